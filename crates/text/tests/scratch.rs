use plenary_text::*;
#[test]
fn scratch() {
    let g = parse(include_str!(
        "../../../examples/res102-guadalajara-2010.txt"
    ))
    .unwrap();
    let b = parse(include_str!("../../../examples/res102-busan-2014.txt")).unwrap();
    let d = diff(&g, &b);
    eprintln!("{}", render::redline_text(&d));
    assert_eq!(apply_diff(&g, &d).unwrap(), b);
    let props: Vec<Proposal> = [
        include_str!("../../../examples/proposal-rcc.txt"),
        include_str!("../../../examples/proposal-citel.txt"),
        include_str!("../../../examples/proposal-bra-privacy.txt"),
    ]
    .iter()
    .map(|s| Proposal::from_instrument(parse(s).unwrap()))
    .collect();
    let m = merge(&b, &props);
    eprintln!("{}", print(&m));
    assert_eq!(parse(&print(&m)).unwrap(), m);
    let spec = "Resolution 102 (Rev. Guadalajara, 2010)\nITU's role\nsponsors: ARB, RCC\n\nThe Plenipotentiary Conference of the International Telecommunication Union (Guadalajara, 2010),\n\n## considering\na) that the purpose of the Union is to [{ARB} promote | {USA} encourage] cooperation;\nb) a long paragraph may continue on lines\n   indented under it;\n\n## resolves\n1 to continue to [{RCC} play an active role |] in this field;\n2 to invite Member States:\n    a) to participate[^1];\n\n[^1]: A footnote.\n% a comment line\n";
    let s = parse(spec).unwrap();
    eprintln!("{}", print(&s));
    eprintln!("{}", serde_json::to_string(&s).unwrap());
}

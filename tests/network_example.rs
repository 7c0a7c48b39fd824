//! The `network` example runs to its end: nodes in this process, a block that reaches them
//! all, a split and a reorganisation, a double spend. The example checks each outcome it
//! narrates (the payment back in the pool, Carol's payment confirmed everywhere, Bob's
//! gone from every block and pool) and returns an error when one is wrong, so running
//! it is the test. Its file is compiled here as a module, since Cargo gives a test no path
//! to an example's binary.

// The example's `main` and flag parsing are not called from here.
#[allow(dead_code)]
#[path = "../examples/network.rs"]
mod network;

#[test]
fn four_nodes_split_heal_and_agree() {
    let options = network::Options {
        nodes: 4,
        step: false,
    };
    let outcome = network::run(&options);
    assert_eq!(outcome, Ok(()));
}

#[test]
fn two_nodes_are_enough_for_a_split() {
    let options = network::Options {
        nodes: 2,
        step: false,
    };
    let outcome = network::run(&options);
    assert_eq!(outcome, Ok(()));
}

//! The RPC method table against Bitcoin Core: signature lines, parameters, help layout,
//! named parameters, and the errors given before a handler runs.
//!
//! Every expected value in the modules below was recorded from a real bitcoind v31.99.0
//! (`/Satoshi:31.99.0/`) on regtest, started in a temporary data directory with
//! `-listen=0`:
//!
//! - in [`signatures`], `CORE_SIGNATURES`: the first line of `bitcoin-cli -regtest help
//!   NAME`; `CORE_ARGUMENTS`: of the same text, the `N. name (type, ...)` head of each
//!   top-level argument, without its description;
//! - in [`help_text`], `CORE_SECTIONS`: of the same text, the section headings
//!   (`Arguments:`, `Result ...:`, `Examples:`); `CORE_CATEGORIES`, `CORE_OVERVIEW`: from
//!   `bitcoin-cli -regtest help` (no argument), keeping only the methods sou has; the
//!   hidden ones, which `help` does not list, are those registered as `"hidden"` in Core's
//!   src/rpc/*.cpp tables;
//! - in [`requests`], its cases, cut by method: the answer to a JSON-RPC 2.0 request posted
//!   with curl, `{"jsonrpc": "2.0", "id": 1, "method": METHOD, "params": PARAMS}`. A wrong
//!   number of parameters is answered with the method's help text (code -1); the row keeps
//!   the first line of Core's text, as the rest is Core's prose and sou has its own.
//!
//! The help texts' descriptions are sou's own words, so they are not compared; the `util`
//! methods' texts are Core's, compared whole by `descriptors_vs_bitcoind`.

mod help_text;
mod requests;
mod signatures;

use sou_node::rpc::help::{method, Method};

fn row(name: &str) -> &'static Method {
    method(name).unwrap_or_else(|| panic!("{name} is not in METHODS"))
}

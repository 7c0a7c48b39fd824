//! The RPC methods soud answers, each described the way Bitcoin Core describes it.
//!
//! Core declares every RPC method once, in an `RPCMethod` (the former `RPCHelpMan`): its
//! name, its parameters (name, JSON type, required or with a default) and its help text.
//! From that one declaration come three behaviours a client can see, and sou copies all
//! three from the table here, [`METHODS`]:
//!
//! - **help**: `help` lists the methods by category ([`overview`]), `help NAME` prints one
//!   method's text ([`help`]); the text opens with the signature line, then a description,
//!   `Arguments:`, `Result:` and `Examples:`, laid out column by column as Core lays it out;
//! - **named parameters**: a call may pass `{"blockhash": .., "verbose": 1}` instead of a
//!   list; [`named_to_positional`] puts each value at its parameter's position, with Core's
//!   errors for names it does not know;
//! - **checks before the handler runs** ([`check_params`]): the wrong number of parameters
//!   is answered with the method's help text as the error message, a value of the wrong JSON
//!   type with a list of every mismatched position.
//!
//! A handler finds its row with [`method`], calls [`named_to_positional`] when the
//! parameters came as an object, then [`check_params`], and only then reads the values.
//!
//! The descriptions in the help texts are sou's own words (the `util` methods' are Core's,
//! word for word); the signature lines, parameter names, types, defaults and the layout
//! are Core's, and `tests/rpc_params.rs` compares them with what a real bitcoind prints.
//!
//! The table is split by Core's categories, one file each, every row with its help text:
//! `blockchain.rs` (blocks and the chain) and `chainstate.rs` (coins, the active chain,
//! waiting for blocks), both category `blockchain`; `control.rs`, `mining.rs`,
//! `network.rs`, `rawtransactions.rs`, `util.rs`, and `hidden.rs` for the methods tests
//! call. Named parameters and the checks are in `params.rs`.
//!
//! References: Core `src/rpc/util.cpp` (`RPCMethod::ToString`, `HandleRequest`,
//! `IsValidNumArgs`, `RPCArg::MatchesType`), `src/rpc/server.cpp` (`CRPCTable::help`,
//! `transformNamedArguments`); Core `doc/JSON-RPC-interface.md`, "Parameter passing".

mod blockchain;
mod chainstate;
mod control;
mod hidden;
mod mempool;
mod mining;
mod network;
mod params;
mod psbt;
mod rawtransactions;
mod util;
mod wallet;

pub use params::{check_params, named_to_positional};

/// The JSON type Core declares for a parameter (`RPCArg::Type`); it decides the type check
/// [`check_params`] makes before the handler runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    /// A string (`STR`).
    Str,
    /// A string of hex digits (`STR_HEX`): checked as a string, the handler checks the digits.
    StrHex,
    /// A number (`NUM`).
    Num,
    /// An amount in BTC (`AMOUNT`), a number or a string: the handler parses it.
    Amount,
    /// `true` or `false` (`BOOL`).
    Bool,
    /// An object with fixed keys (`OBJ`).
    Obj,
    /// An array (`ARR`).
    Arr,
    /// An object whose keys the caller chooses, such as addresses (`OBJ_USER_KEYS`).
    ObjUserKeys,
    /// A number or a `[begin, end]` pair (`RANGE`): the handler checks which.
    Range,
    /// Any JSON value: Core declares a type but skips the check (`skip_type_check`) because
    /// the handler takes several, a hash or a height, a number or a boolean for verbosity.
    Any,
}

impl ParamType {
    /// The JSON type a value must have, named as Core names it (`uvTypeName`); `None` when
    /// Core leaves the value to the handler (`ExpectedType` in src/rpc/util.cpp).
    pub fn json_type(self) -> Option<&'static str> {
        match self {
            ParamType::Str | ParamType::StrHex => Some("string"),
            ParamType::Num => Some("number"),
            ParamType::Bool => Some("bool"),
            ParamType::Obj | ParamType::ObjUserKeys => Some("object"),
            ParamType::Arr => Some("array"),
            ParamType::Amount | ParamType::Range | ParamType::Any => None,
        }
    }
}

/// One parameter of a method, in the order the method takes them (Core's `RPCArg`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Param {
    /// Core's name; aliases accepted as named parameters follow after `|`
    /// (`"verbosity|verbose"`); help shows only the first.
    pub name: &'static str,
    /// The JSON type Core checks before the handler runs; [`ParamType::Any`] where Core
    /// declares one but skips the check.
    pub kind: ParamType,
    /// Whether the caller must pass it (`RPCArg::Optional::NO`).
    pub required: bool,
    /// The default, exactly as help prints it after `default=`. It parses as JSON when Core
    /// fills in that value itself (`RPCArg::Default`: `1`, `"hash_serialized_3"`), and is
    /// words when the handler works it out (`RPCArg::DefaultHint`: `the current best
    /// block`). `None` for a required parameter, and for an optional one without default.
    pub default: Option<&'static str>,
}

impl Param {
    /// A parameter the caller must pass.
    pub const fn required(name: &'static str, kind: ParamType) -> Param {
        Param {
            name,
            kind,
            required: true,
            default: None,
        }
    }

    /// An optional parameter with a default.
    pub const fn optional(name: &'static str, kind: ParamType, default: &'static str) -> Param {
        Param {
            name,
            kind,
            required: false,
            default: Some(default),
        }
    }

    /// An optional parameter without default: leaving it out means "not given"
    /// (`RPCArg::Optional::OMITTED`).
    pub const fn omitted(name: &'static str, kind: ParamType) -> Param {
        Param {
            name,
            kind,
            required: false,
            default: None,
        }
    }

    /// The name help shows, the first of [`Param::names`].
    pub fn first_name(&self) -> &'static str {
        self.names().next().unwrap_or(self.name)
    }

    /// Every name the parameter answers to when passed by name.
    pub fn names(&self) -> impl Iterator<Item = &'static str> {
        self.name.split('|')
    }
}

/// One RPC method: what `help` says of it and what it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Method {
    /// The method name, as called.
    pub name: &'static str,
    /// Core's category, in lower case: `blockchain`, `control`, `mining`, `network`,
    /// `rawtransactions`, `util`, or `hidden` for methods left out of the [`overview`].
    pub category: &'static str,
    /// The parameters, in positional order. A parameter Core hides from help (`stop`'s
    /// `wait`) is listed here all the same: it still counts as a position.
    pub params: &'static [Param],
    /// The full text `help NAME` prints.
    pub help: &'static str,
}

impl Method {
    /// The first line of the help text: the name and its parameters, optional ones in
    /// parentheses.
    pub fn signature(&self) -> &'static str {
        self.help.lines().next().unwrap_or(self.name)
    }

    /// Whether the method is left out of the [`overview`] (category `hidden`).
    pub fn is_hidden(&self) -> bool {
        self.category == "hidden"
    }

    /// The number of leading parameters a call must pass: up to the last required one
    /// (`RPCMethod::IsValidNumArgs`). An optional parameter before a required one must
    /// then be passed too, as `null` if need be.
    pub fn min_params(&self) -> usize {
        self.params
            .iter()
            .rposition(|p| p.required)
            .map_or(0, |last| last + 1)
    }
}

/// The methods soud answers: Core's blockchain, control, mining, network, raw-transaction
/// and util methods that sou implements, and the hidden ones Core's functional test
/// framework calls.
/// Methods for peers are here before sou has peers, so that they answer as Core does.
///
/// A comment marks each parameter of type [`ParamType::Any`] with the type Core declares.
pub static METHODS: &[Method] = &ALL;

/// The tables of the categories, one file each, in the order [`METHODS`] joins them.
const GROUPS: &[&[Method]] = &[
    blockchain::METHODS,
    chainstate::METHODS,
    mempool::METHODS,
    control::METHODS,
    mining::METHODS,
    network::METHODS,
    rawtransactions::METHODS,
    psbt::METHODS,
    util::METHODS,
    wallet::METHODS,
    hidden::METHODS,
];

/// [`GROUPS`] joined into one array, at compile time.
static ALL: [Method; count(GROUPS)] = concat(GROUPS);

/// The number of rows in `groups`.
const fn count(groups: &[&[Method]]) -> usize {
    let mut n = 0;
    let mut g = 0;
    while g < groups.len() {
        n += groups[g].len();
        g += 1;
    }
    n
}

/// The rows of `groups`, one group after the other; `N` must be [`count`] of them (a
/// `const fn` may not use iterators, hence the loops).
const fn concat<const N: usize>(groups: &[&[Method]]) -> [Method; N] {
    // Every slot is overwritten below; the first row only fills the array meanwhile.
    let mut all = [groups[0][0]; N];
    let mut i = 0;
    let mut g = 0;
    while g < groups.len() {
        let mut r = 0;
        while r < groups[g].len() {
            all[i] = groups[g][r];
            i += 1;
            r += 1;
        }
        g += 1;
    }
    all
}

/// The method called `name`, hidden ones included.
pub fn method(name: &str) -> Option<&'static Method> {
    METHODS.iter().find(|m| m.name == name)
}

/// What `help` answers for `command` (Core's `CRPCTable::help`): the [`overview`] when it
/// is empty, the method's text when it is known, hidden or not, and otherwise the text
/// `help: unknown command: NAME`. Each is a result, not an error.
pub fn help(command: &str) -> String {
    if command.is_empty() {
        return overview();
    }
    match method(command) {
        Some(m) => m.help.to_string(),
        None => format!("help: unknown command: {command}"),
    }
}

/// What `help` without argument answers: the signature line of every method that is not
/// hidden, under a `== Category ==` heading, a blank line between categories.
///
/// Core sorts by the category and the name written together (`"blockchaingetblock"`), which
/// orders the categories alphabetically and the methods within each.
pub fn overview() -> String {
    let mut listed: Vec<&Method> = METHODS.iter().filter(|m| !m.is_hidden()).collect();
    listed.sort_by_key(|m| format!("{}{}", m.category, m.name));
    let mut text = String::new();
    let mut category = "";
    for m in listed {
        if m.category != category {
            if !category.is_empty() {
                text.push('\n');
            }
            category = m.category;
            text.push_str(&format!("== {} ==\n", capitalize(category)));
        }
        text.push_str(m.signature());
        text.push('\n');
    }
    // Core builds the text line by line and then drops the last newline.
    text.pop();
    text
}

/// `blockchain` -> `Blockchain` (Core's `Capitalize`).
fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

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
//! The descriptions in the help texts are sou's own words; the signature lines, parameter
//! names, types, defaults and the layout are Core's, and `tests/rpc_params.rs` compares
//! them with what a real bitcoind prints.
//!
//! References: Core `src/rpc/util.cpp` (`RPCMethod::ToString`, `HandleRequest`,
//! `IsValidNumArgs`, `RPCArg::MatchesType`), `src/rpc/server.cpp` (`CRPCTable::help`,
//! `transformNamedArguments`); Core `doc/JSON-RPC-interface.md`, "Parameter passing".

use serde_json::{Map, Value};

use crate::rpc::{codes, RpcError};
use ParamType::{Any, Arr, Bool, Num, Obj, Str, StrHex};

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
    /// `rawtransactions`, or `hidden` for methods left out of the [`overview`].
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

/// Named parameters to positions, as Core's `transformNamedArguments` does it.
///
/// Each parameter, in order, takes the value of the first of its names present; the
/// parameters left out before one that is given become `null`, those after the last one
/// given are left off (a handler may count the parameters it got). A member `args` holding
/// an array gives the first positions, the named values fill in after it
/// (`doc/JSON-RPC-interface.md`). Errors, all `RPC_INVALID_PARAMETER` (-8):
/// `Unknown named parameter NAME` for a name no parameter has, and `Parameter NAME
/// specified twice both as positional and named argument` when `args` reaches the first
/// parameter given by name.
///
/// Core also refuses a name given twice (`Parameter NAME specified multiple times`); a
/// [`Map`] cannot hold a name twice, so that check falls to whoever parses the request.
pub fn named_to_positional(
    method: &Method,
    named: &Map<String, Value>,
) -> Result<Vec<Value>, RpcError> {
    // The members not used yet, in request order.
    let mut left: Vec<(&str, &Value)> = named.iter().map(|(k, v)| (k.as_str(), v)).collect();
    let mut positional: Vec<Value> = Vec::new();
    // Parameters skipped since the last one given, and before the first one given.
    let mut hole = 0;
    let mut initial_hole = 0;
    let mut first_given: Option<&str> = None;
    for param in method.params {
        let found = param
            .names()
            .find_map(|name| left.iter().position(|(key, _)| *key == name));
        match found {
            Some(at) => {
                positional.extend(std::iter::repeat_n(Value::Null, hole));
                hole = 0;
                // Core names the parameter by its whole pattern, aliases included.
                first_given.get_or_insert(param.name);
                let (_, value) = left.remove(at);
                positional.push(value.clone());
            }
            None => {
                hole += 1;
                if positional.is_empty() {
                    initial_hole = hole;
                }
            }
        }
    }
    if let Some(at) = left.iter().position(|(key, _)| *key == "args") {
        let (_, args) = left.remove(at);
        // A non-array `args` is dropped without a word, as in Core.
        if let Value::Array(args) = args {
            if let Some(name) = first_given {
                if args.len() > initial_hole {
                    return Err(RpcError::new(
                        codes::RPC_INVALID_PARAMETER,
                        format!(
                            "Parameter {name} specified twice both as positional and named argument"
                        ),
                    ));
                }
            }
            let mut merged = args.clone();
            if positional.len() > merged.len() {
                merged.extend(positional.drain(args.len()..));
            }
            positional = merged;
        }
    }
    if !left.is_empty() {
        let keys: Vec<&str> = named.keys().map(String::as_str).collect();
        let unknown = unordered_map_first(&keys, |key| left.iter().any(|(k, _)| *k == key));
        return Err(RpcError::new(
            codes::RPC_INVALID_PARAMETER,
            format!("Unknown named parameter {unknown}"),
        ));
    }
    Ok(positional)
}

/// Core's checks before a handler runs (`RPCMethod::HandleRequest`).
///
/// First the count: fewer parameters than [`Method::min_params`] or more than the method
/// has is answered with the method's help text as the message, code `RPC_MISC_ERROR` (-1).
/// Then each parameter's JSON type: a `null` stands for a missing optional parameter, a
/// type that differs from the declared one ([`ParamType::json_type`]) is a mismatch, and
/// all mismatches are reported at once, code `RPC_TYPE_ERROR` (-3), as
///
/// ```text
/// Wrong type passed:
/// {
///     "Position 1 (height)": "JSON value of type string is not of expected type number"
/// }
/// ```
pub fn check_params(method: &Method, params: &[Value]) -> Result<(), RpcError> {
    if params.len() < method.min_params() || params.len() > method.params.len() {
        return Err(RpcError::misc(method.help));
    }
    let mut mismatches = Map::new();
    for (i, param) in method.params.iter().enumerate() {
        let value = params.get(i).unwrap_or(&Value::Null);
        if !param.required && value.is_null() {
            continue;
        }
        let Some(expected) = param.kind.json_type() else {
            continue;
        };
        let found = json_type_name(value);
        if found != expected {
            mismatches.insert(
                format!("Position {} ({})", i + 1, param.name),
                Value::String(format!(
                    "JSON value of type {found} is not of expected type {expected}"
                )),
            );
        }
    }
    if mismatches.is_empty() {
        return Ok(());
    }
    Err(RpcError::type_error(format!(
        "Wrong type passed:\n{}",
        write_indented(&Value::Object(mismatches))
    )))
}

/// The name Core gives a value's JSON type (`uvTypeName`).
fn json_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// JSON written as UniValue's `write(4)` writes it: one member a line, indented by four
/// spaces, `": "` between key and value. serde_json's pretty printer with that indent
/// writes the same bytes.
fn write_indented(value: &Value) -> String {
    use serde::Serialize;
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    value
        .serialize(&mut serializer)
        .expect("a JSON value serializes into memory");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// Of the request's member names `keys` (in request order), the first that `wanted` accepts
/// in the order Core's error message picks it.
///
/// A historical accident: `transformNamedArguments` keeps the names in a
/// `std::unordered_map`, erases the ones it uses and names `begin()` of what is left. That
/// order is the C++ standard library's. bitcoind on Linux is built against libstdc++,
/// whose hash table keeps one linked list of nodes: a name whose bucket is empty goes to
/// the front, a name whose bucket is taken goes just before that bucket's first node, and
/// a growing table re-inserts every node, in list order, by the same rule. With 13
/// buckets for up to 13 names, distinct buckets give reverse request order: of `foo` then
/// `bar`, Core names `bar`.
fn unordered_map_first<'a>(keys: &[&'a str], wanted: impl Fn(&str) -> bool) -> &'a str {
    let mut list: Vec<(&'a str, u64)> = Vec::new();
    let mut buckets: usize = 1;
    let mut next_resize: usize = 0;
    for &key in keys {
        if list.iter().any(|(k, _)| *k == key) {
            continue;
        }
        // _Prime_rehash_policy::_M_need_rehash, with the maximum load factor of 1.
        let count = list.len();
        if count + 1 > next_resize {
            let min_buckets = (count + 1).max(if next_resize == 0 { 11 } else { 0 });
            if min_buckets >= buckets {
                buckets = next_bucket_count((min_buckets + 1).max(buckets * 2));
                next_resize = buckets;
                for node in std::mem::take(&mut list) {
                    insert_node(&mut list, node, buckets);
                }
            } else {
                next_resize = buckets;
            }
        }
        insert_node(&mut list, (key, libstdcxx_hash(key.as_bytes())), buckets);
    }
    list.iter()
        .map(|(k, _)| *k)
        .find(|k| wanted(k))
        .or_else(|| keys.iter().copied().find(|k| wanted(k)))
        .unwrap_or_default()
}

/// libstdc++'s `_M_insert_bucket_begin`: before the first node of the same bucket, or at
/// the front when the bucket is empty.
fn insert_node<'a>(list: &mut Vec<(&'a str, u64)>, node: (&'a str, u64), buckets: usize) {
    let bucket = |hash: u64| hash % buckets as u64;
    let at = list
        .iter()
        .position(|(_, h)| bucket(*h) == bucket(node.1))
        .unwrap_or(0);
    list.insert(at, node);
}

/// libstdc++'s `_Prime_rehash_policy::_M_next_bkt`: a small table below 14, else the first
/// prime of its list at least `n`. The table grows 13, 29, 59, 127, 257, where that prime is
/// the next prime; past 257 names the list skips primes and this count may differ from it.
fn next_bucket_count(n: usize) -> usize {
    const FAST: [usize; 14] = [2, 2, 2, 3, 5, 5, 7, 7, 11, 11, 11, 11, 13, 13];
    if let Some(&count) = FAST.get(n) {
        return count;
    }
    (n..)
        .find(|&c| (2..c).take_while(|d| d * d <= c).all(|d| c % d != 0))
        .unwrap_or(n)
}

/// `std::hash<std::string>` of libstdc++ on 64-bit targets: `_Hash_bytes` (a MurmurHash2
/// variant) with seed 0xc70f6907.
fn libstdcxx_hash(bytes: &[u8]) -> u64 {
    const MUL: u64 = (0xc6a4_a793 << 32) + 0x5bd1_e995;
    fn shift_mix(v: u64) -> u64 {
        v ^ (v >> 47)
    }
    let mut hash = 0xc70f_6907_u64 ^ (bytes.len() as u64).wrapping_mul(MUL);
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let data = shift_mix(u64::from_le_bytes(word).wrapping_mul(MUL)).wrapping_mul(MUL);
        hash = (hash ^ data).wrapping_mul(MUL);
    }
    let tail = chunks.remainder();
    if !tail.is_empty() {
        let data = tail
            .iter()
            .rev()
            .fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        hash = (hash ^ data).wrapping_mul(MUL);
    }
    shift_mix(shift_mix(hash).wrapping_mul(MUL))
}

/// The methods soud answers: Core's blockchain, control, mining, network and raw-transaction
/// methods that sou implements, and the hidden ones Core's functional test framework calls.
/// Methods for peers are here before sou has peers, so that they answer as Core does.
///
/// A comment marks each parameter of type [`ParamType::Any`] with the type Core declares.
pub static METHODS: &[Method] = &[
    Method {
        name: "getbestblockhash",
        category: "blockchain",
        params: &[],
        help: HELP_GETBESTBLOCKHASH,
    },
    Method {
        name: "getblock",
        category: "blockchain",
        params: &[
            Param::required("blockhash", StrHex),
            // NUM in Core, unchecked: a boolean is taken too.
            Param::optional("verbosity|verbose", Any, "1"),
        ],
        help: HELP_GETBLOCK,
    },
    Method {
        name: "getblockchaininfo",
        category: "blockchain",
        params: &[],
        help: HELP_GETBLOCKCHAININFO,
    },
    Method {
        name: "getblockcount",
        category: "blockchain",
        params: &[],
        help: HELP_GETBLOCKCOUNT,
    },
    Method {
        name: "getblockhash",
        category: "blockchain",
        params: &[Param::required("height", Num)],
        help: HELP_GETBLOCKHASH,
    },
    Method {
        name: "getblockheader",
        category: "blockchain",
        params: &[
            Param::required("blockhash", StrHex),
            Param::optional("verbose", Bool, "true"),
        ],
        help: HELP_GETBLOCKHEADER,
    },
    Method {
        name: "getblockstats",
        category: "blockchain",
        params: &[
            // NUM in Core, unchecked: a hash or a height.
            Param::required("hash_or_height", Any),
            Param::optional("stats", Arr, "all values"),
        ],
        help: HELP_GETBLOCKSTATS,
    },
    Method {
        name: "getchaintips",
        category: "blockchain",
        params: &[],
        help: HELP_GETCHAINTIPS,
    },
    Method {
        name: "getdeploymentinfo",
        category: "blockchain",
        params: &[Param::optional(
            "blockhash",
            StrHex,
            r#""hash of current chain tip""#,
        )],
        help: HELP_GETDEPLOYMENTINFO,
    },
    Method {
        name: "getdifficulty",
        category: "blockchain",
        params: &[],
        help: HELP_GETDIFFICULTY,
    },
    Method {
        name: "gettxout",
        category: "blockchain",
        params: &[
            Param::required("txid", Str),
            Param::required("n", Num),
            Param::optional("include_mempool", Bool, "true"),
        ],
        help: HELP_GETTXOUT,
    },
    Method {
        name: "gettxoutsetinfo",
        category: "blockchain",
        params: &[
            Param::optional("hash_type", Str, r#""hash_serialized_3""#),
            // NUM in Core, unchecked: a hash or a height.
            Param::optional("hash_or_height", Any, "the current best block"),
            Param::optional("use_index", Bool, "true"),
        ],
        help: HELP_GETTXOUTSETINFO,
    },
    Method {
        name: "preciousblock",
        category: "blockchain",
        params: &[Param::required("blockhash", StrHex)],
        help: HELP_PRECIOUSBLOCK,
    },
    Method {
        name: "pruneblockchain",
        category: "blockchain",
        params: &[Param::required("height", Num)],
        help: HELP_PRUNEBLOCKCHAIN,
    },
    Method {
        name: "verifychain",
        category: "blockchain",
        params: &[
            Param::optional("checklevel", Num, "3, range=0-4"),
            Param::optional("nblocks", Num, "6, 0=all"),
        ],
        help: HELP_VERIFYCHAIN,
    },
    Method {
        name: "waitforblock",
        category: "blockchain",
        params: &[
            Param::required("blockhash", StrHex),
            Param::optional("timeout", Num, "0"),
        ],
        help: HELP_WAITFORBLOCK,
    },
    Method {
        name: "waitforblockheight",
        category: "blockchain",
        params: &[
            Param::required("height", Num),
            Param::optional("timeout", Num, "0"),
        ],
        help: HELP_WAITFORBLOCKHEIGHT,
    },
    Method {
        name: "waitfornewblock",
        category: "blockchain",
        params: &[
            Param::optional("timeout", Num, "0"),
            Param::omitted("current_tip", StrHex),
        ],
        help: HELP_WAITFORNEWBLOCK,
    },
    Method {
        name: "getrpcinfo",
        category: "control",
        params: &[],
        help: HELP_GETRPCINFO,
    },
    Method {
        name: "help",
        category: "control",
        params: &[Param::optional("command", Str, "all commands")],
        help: HELP_HELP,
    },
    Method {
        name: "logging",
        category: "control",
        params: &[
            Param::omitted("include", Arr),
            Param::omitted("exclude", Arr),
        ],
        help: HELP_LOGGING,
    },
    Method {
        name: "stop",
        category: "control",
        params: &[
            // Hidden from help; milliseconds to wait before answering, for tests.
            Param::omitted("wait", Num),
        ],
        help: HELP_STOP,
    },
    Method {
        name: "uptime",
        category: "control",
        params: &[],
        help: HELP_UPTIME,
    },
    Method {
        name: "getblocktemplate",
        category: "mining",
        params: &[Param::required("template_request", Obj)],
        help: HELP_GETBLOCKTEMPLATE,
    },
    Method {
        name: "getmininginfo",
        category: "mining",
        params: &[],
        help: HELP_GETMININGINFO,
    },
    Method {
        name: "submitblock",
        category: "mining",
        params: &[
            Param::required("hexdata", StrHex),
            Param::optional("dummy", Str, "ignored"),
        ],
        help: HELP_SUBMITBLOCK,
    },
    Method {
        name: "submitheader",
        category: "mining",
        params: &[Param::required("hexdata", StrHex)],
        help: HELP_SUBMITHEADER,
    },
    Method {
        name: "getconnectioncount",
        category: "network",
        params: &[],
        help: HELP_GETCONNECTIONCOUNT,
    },
    Method {
        name: "getnetworkinfo",
        category: "network",
        params: &[],
        help: HELP_GETNETWORKINFO,
    },
    Method {
        name: "getpeerinfo",
        category: "network",
        params: &[],
        help: HELP_GETPEERINFO,
    },
    Method {
        name: "createrawtransaction",
        category: "rawtransactions",
        params: &[
            Param::required("inputs", Arr),
            // ARR in Core, unchecked: an object is taken too.
            Param::required("outputs", Any),
            Param::optional("locktime", Num, "0"),
            Param::optional("replaceable", Bool, "true"),
            Param::optional("version", Num, "2"),
        ],
        help: HELP_CREATERAWTRANSACTION,
    },
    Method {
        name: "decoderawtransaction",
        category: "rawtransactions",
        params: &[
            Param::required("hexstring", StrHex),
            Param::optional("iswitness", Bool, "depends on heuristic tests"),
        ],
        help: HELP_DECODERAWTRANSACTION,
    },
    Method {
        name: "decodescript",
        category: "rawtransactions",
        params: &[Param::required("hexstring", StrHex)],
        help: HELP_DECODESCRIPT,
    },
    Method {
        name: "getrawtransaction",
        category: "rawtransactions",
        params: &[
            Param::required("txid", StrHex),
            // NUM in Core, unchecked: a boolean is taken too.
            Param::optional("verbosity|verbose", Any, "0"),
            Param::omitted("blockhash", StrHex),
        ],
        help: HELP_GETRAWTRANSACTION,
    },
    Method {
        name: "echo",
        category: "hidden",
        params: &[
            Param::omitted("arg0", Any),
            Param::omitted("arg1", Any),
            Param::omitted("arg2", Any),
            Param::omitted("arg3", Any),
            Param::omitted("arg4", Any),
            Param::omitted("arg5", Any),
            Param::omitted("arg6", Any),
            Param::omitted("arg7", Any),
            Param::omitted("arg8", Any),
            Param::omitted("arg9", Any),
        ],
        help: HELP_ECHO,
    },
    Method {
        name: "echojson",
        category: "hidden",
        params: &[
            Param::omitted("arg0", Any),
            Param::omitted("arg1", Any),
            Param::omitted("arg2", Any),
            Param::omitted("arg3", Any),
            Param::omitted("arg4", Any),
            Param::omitted("arg5", Any),
            Param::omitted("arg6", Any),
            Param::omitted("arg7", Any),
            Param::omitted("arg8", Any),
            Param::omitted("arg9", Any),
        ],
        help: HELP_ECHOJSON,
    },
    Method {
        name: "generateblock",
        category: "hidden",
        params: &[
            Param::required("output", Str),
            Param::required("transactions", Arr),
            Param::optional("submit", Bool, "true"),
        ],
        help: HELP_GENERATEBLOCK,
    },
    Method {
        name: "generatetoaddress",
        category: "hidden",
        params: &[
            Param::required("nblocks", Num),
            Param::required("address", Str),
            Param::optional("maxtries", Num, "1000000"),
        ],
        help: HELP_GENERATETOADDRESS,
    },
    Method {
        name: "generatetodescriptor",
        category: "hidden",
        params: &[
            Param::required("num_blocks", Num),
            Param::required("descriptor", Str),
            Param::optional("maxtries", Num, "1000000"),
        ],
        help: HELP_GENERATETODESCRIPTOR,
    },
    Method {
        name: "invalidateblock",
        category: "hidden",
        params: &[Param::required("blockhash", StrHex)],
        help: HELP_INVALIDATEBLOCK,
    },
    Method {
        name: "mockscheduler",
        category: "hidden",
        params: &[Param::required("delta_time", Num)],
        help: HELP_MOCKSCHEDULER,
    },
    Method {
        name: "reconsiderblock",
        category: "hidden",
        params: &[Param::required("blockhash", StrHex)],
        help: HELP_RECONSIDERBLOCK,
    },
    Method {
        name: "setmocktime",
        category: "hidden",
        params: &[Param::required("timestamp", Num)],
        help: HELP_SETMOCKTIME,
    },
    Method {
        name: "syncwithvalidationinterfacequeue",
        category: "hidden",
        params: &[],
        help: HELP_SYNCWITHVALIDATIONINTERFACEQUEUE,
    },
];

// The help texts, in the order of `METHODS`. A line of a result or argument list starts with
// the key and its JSON type, padded to one column per block, as Core pads them; the words
// after the type are sou's.

const HELP_GETBESTBLOCKHASH: &str = r#"getbestblockhash

Returns the hash of the tip of the most-work chain whose blocks are all validated.

Result:
"hex"    (string) hash of the tip block, in hex

Examples:
> bitcoin-cli getbestblockhash 
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "getbestblockhash", "params": []}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_GETBLOCK: &str = r#"getblock "blockhash" ( verbosity )

Returns a block of the block tree, in one of four levels of detail:
verbosity 0: the serialized block, as hex.
verbosity 1: an object describing the block, with the txids of its transactions.
verbosity 2: the same object, with each transaction decoded.
verbosity 3: as 2, and each input also shows the output it spends (only for blocks that are stored and in the active chain).

Arguments:
1. blockhash    (string, required) Hash of the block
2. verbosity    (numeric, optional, default=1) 0 for the serialized block in hex, 1 for an object, 2 for an object with decoded transactions, 3 for that plus each input's spent output

Result (for verbosity = 0):
"hex"    (string) The serialized block, as hex

Result (for verbosity = 1):
{                                 (json object)
  "hash" : "hex",                 (string) block hash (the one asked for)
  "confirmations" : n,            (numeric) Blocks on top of this one in the active chain, counting itself; -1 if it is not in the active chain
  "size" : n,                     (numeric) Serialized size in bytes, witness included
  "strippedsize" : n,             (numeric) Serialized size in bytes without witness data
  "weight" : n,                   (numeric) Weight as BIP141 defines it
  "coinbase_tx" : {               (json object) Fields of the coinbase transaction
    "version" : n,                (numeric) Version of the coinbase transaction
    "locktime" : n,               (numeric) nLockTime of the coinbase transaction
    "sequence" : n,               (numeric) nSequence of the coinbase input
    "coinbase" : "hex",           (string) scriptSig of the coinbase input
    "witness" : "hex"             (string, optional) The single witness stack item of the coinbase input, when there is one
  },
  "height" : n,                   (numeric) Height of the block in the block tree
  "version" : n,                  (numeric) Version field of the header
  "versionHex" : "hex",           (string) Version field of the header, as hex
  "merkleroot" : "hex",           (string) Merkle root of the block's transactions
  "tx" : [                        (json array) Txids of the block's transactions, in block order
    "hex",                        (string) A txid
    ...
  ],
  "time" : xxx,                   (numeric) Timestamp of the header, in UNIX epoch time
  "mediantime" : xxx,             (numeric) Median timestamp of the last 11 blocks up to this one, in UNIX epoch time
  "nonce" : n,                    (numeric) Nonce field of the header
  "bits" : "hex",                 (string) nBits of the block: its target in compact form
  "target" : "hex",               (string) Target the block hash had to meet, written out in full
  "difficulty" : n,               (numeric) Difficulty of the block
  "chainwork" : "hex",            (string) Total proof of work of the chain ending at this block, as hex (expected number of hashes)
  "nTx" : n,                      (numeric) Number of transactions, coinbase included
  "previousblockhash" : "hex",    (string, optional) Hash of the parent block (absent for genesis)
  "nextblockhash" : "hex"         (string, optional) Hash of the child block in the active chain (absent at the tip)
}

Result (for verbosity = 2):
{                   (json object)
  ...,              All the fields of verbosity 1
  "tx" : [          (json array)
    {               (json object)
      ...,          Each transaction as getrawtransaction decodes it, instead of a txid
      "fee" : n     (numeric, optional) Fee paid by the transaction in BTC; absent when the block's undo data is missing
    },
    ...
  ]
}

Result (for verbosity = 3):
{                                        (json object)
  ...,                                   All the fields of verbosity 2
  "tx" : [                               (json array)
    {                                    (json object)
      "vin" : [                          (json array)
        {                                (json object)
          ...,                           All the input fields of verbosity 2
          "prevout" : {                  (json object, optional) The output this input spends (only when undo data is available)
            "generated" : true|false,    (boolean) Whether it was created by a coinbase transaction
            "height" : n,                (numeric) Height of the block that created the spent output
            "value" : n,                 (numeric) Amount in BTC
            "scriptPubKey" : {           (json object)
              "asm" : "str",             (string) The output script in human-readable opcodes
              "desc" : "str",            (string) Descriptor inferred from the output script
              "hex" : "hex",             (string) The output script bytes, as hex
              "address" : "str",         (string, optional) Address of the output script (only when the script has a standard address form)
              "type" : "str"             (string) Script template (one of: nonstandard, anchor, pubkey, pubkeyhash, scripthash, multisig, nulldata, witness_v0_scripthash, witness_v0_keyhash, witness_v1_taproot, witness_unknown)
            }
          }
        },
        ...
      ]
    },
    ...
  ]
}

Examples:
> bitcoin-cli getblock "00000000c937983704a73af28acdec37b049d214adbda81d7e2a3dd146f6ed09"
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "getblock", "params": ["00000000c937983704a73af28acdec37b049d214adbda81d7e2a3dd146f6ed09"]}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_GETBLOCKCHAININFO: &str = r#"getblockchaininfo

Reports the state of this node's block chain: which network, how far it has validated, and the
work, difficulty and pruning behind its tip.

Result:
{                                         (json object)
  "chain" : "str",                        (string) network this node runs on (main, test, testnet4, signet, regtest)
  "blocks" : n,                           (numeric) height of the tip of the most-work chain whose blocks are all validated (genesis is at height 0)
  "headers" : n,                          (numeric) number of block headers validated so far
  "bestblockhash" : "str",                (string) hash of the block at the tip
  "bits" : "hex",                         (string) nBits of the tip: its difficulty target in compact form
  "target" : "hex",                       (string) target of the tip, written out in full
  "difficulty" : n,                       (numeric) difficulty of the tip
  "time" : xxx,                           (numeric) timestamp of the tip, in UNIX epoch time
  "mediantime" : xxx,                     (numeric) median timestamp of the last 11 blocks up to the tip, in UNIX epoch time
  "verificationprogress" : n,             (numeric) rough share of the chain validated so far, from 0 to 1
  "initialblockdownload" : true|false,    (boolean) (debug information) whether the node thinks it is still in Initial Block Download
  "backgroundvalidation" : {              (json object, optional) progress of the background chainstate that checks an assumeutxo snapshot
    "snapshotheight" : n,                 (numeric) height of the snapshot; the background chainstate validates from genesis up to here
    "blocks" : n,                         (numeric) height of the tip of the background chainstate (genesis is at height 0)
    "bestblockhash" : "str",              (string) hash of the tip of the background chainstate
    "mediantime" : xxx,                   (numeric) median timestamp of the last 11 blocks up to the background tip, in UNIX epoch time
    "verificationprogress" : n,           (numeric) rough share of the background validation done so far, from 0 to 1
    "chainwork" : "hex"                   (string) total proof of work in the background chainstate, as hex
  },
  "chainwork" : "hex",                    (string) total proof of work in the active chain, as hex
  "size_on_disk" : n,                     (numeric) estimated bytes that block and undo files take on disk
  "pruned" : true|false,                  (boolean) whether old blocks may be deleted (pruning)
  "pruneheight" : n,                      (numeric, optional) lowest height whose block is still stored; everything below was pruned (only with pruning)
  "automatic_pruning" : true|false,       (boolean, optional) whether the node prunes by itself (only with pruning)
  "prune_target_size" : n,                (numeric, optional) disk size pruning aims to stay under (only with automatic pruning)
  "signet_challenge" : "hex",             (string, optional) the signet block challenge script, as hex (only on a signet)
  "warnings" : [                          (json array) warnings about the network or the chain (start with `-deprecatedrpc=warnings` to get only the latest one, as a string)
    "str",                                (string) one warning
    ...
  ]
}

Examples:
> bitcoin-cli getblockchaininfo 
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "getblockchaininfo", "params": []}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_GETBLOCKCOUNT: &str = r#"getblockcount

Returns the height of the tip of the most-work chain whose blocks are all validated.
Genesis is at height 0.

Result:
n    (numeric) Height of the tip

Examples:
> bitcoin-cli getblockcount 
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "getblockcount", "params": []}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_GETBLOCKHASH: &str = r#"getblockhash height

Returns the hash of the block at a given height of the active chain.

Arguments:
1. height    (numeric, required) Height in the active chain

Result:
"hex"    (string) Hash of the block at that height

Examples:
> bitcoin-cli getblockhash 1000
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "getblockhash", "params": [1000]}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_GETBLOCKHEADER: &str = r#"getblockheader "blockhash" ( verbose )

Returns a block header of the block tree: with verbose true (the default) as an object
describing it, with verbose false as the 80 serialized bytes in hex.

Arguments:
1. blockhash    (string, required) Hash of the block
2. verbose      (boolean, optional, default=true) true for an object, false for the serialized header in hex

Result (for verbose = true):
{                                 (json object)
  "hash" : "hex",                 (string) block hash (the one asked for)
  "confirmations" : n,            (numeric) Blocks on top of this one in the active chain, counting itself; -1 if it is not in the active chain
  "height" : n,                   (numeric) Height of the block in the block tree
  "version" : n,                  (numeric) Version field of the header
  "versionHex" : "hex",           (string) Version field of the header, as hex
  "merkleroot" : "hex",           (string) Merkle root of the block's transactions
  "time" : xxx,                   (numeric) Timestamp of the header, in UNIX epoch time
  "mediantime" : xxx,             (numeric) Median timestamp of the last 11 blocks up to this one, in UNIX epoch time
  "nonce" : n,                    (numeric) Nonce field of the header
  "bits" : "hex",                 (string) nBits of the block: its target in compact form
  "target" : "hex",               (string) Target the block hash had to meet, written out in full
  "difficulty" : n,               (numeric) Difficulty of the block
  "chainwork" : "hex",            (string) Total proof of work of the chain ending at this block, as hex (expected number of hashes)
  "nTx" : n,                      (numeric) Number of transactions, coinbase included
  "previousblockhash" : "hex",    (string, optional) Hash of the parent block (absent for genesis)
  "nextblockhash" : "hex"         (string, optional) Hash of the child block in the active chain (absent at the tip)
}

Result (for verbose=false):
"hex"    (string) The 80-byte serialized header, as hex

Examples:
> bitcoin-cli getblockheader "00000000c937983704a73af28acdec37b049d214adbda81d7e2a3dd146f6ed09"
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "getblockheader", "params": ["00000000c937983704a73af28acdec37b049d214adbda81d7e2a3dd146f6ed09"]}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_GETBLOCKSTATS: &str = r#"getblockstats hash_or_height ( stats )

Computes statistics of one block: fees, feerates, sizes, and how it changed the UTXO set. Amounts are in satoshis.
Needs the block and its undo data, so it fails for pruned heights.

Arguments:
1. hash_or_height    (string or numeric, required) Hash or height of the block
2. stats             (json array, optional, default=all values) Names of the statistics to compute (the keys of the result below)
     [
       "height",     (string) Name of a statistic
       "time",       (string) Name of a statistic
       ...
     ]

Result:
{                                (json object)
  "avgfee" : n,                  (numeric, optional) Mean fee of the block's transactions
  "avgfeerate" : n,              (numeric, optional) Mean feerate, in satoshis per virtual byte
  "avgtxsize" : n,               (numeric, optional) Mean transaction size
  "blockhash" : "hex",           (string, optional) Hash of the block (so a caller can detect a reorganization)
  "feerate_percentiles" : [      (json array, optional) Feerates at the 10th, 25th, 50th, 75th and 90th percentiles, weighted by weight unit (satoshis per virtual byte)
    n,                           (numeric) 10th percentile
    n,                           (numeric) 25th percentile
    n,                           (numeric) 50th percentile
    n,                           (numeric) 75th percentile
    n                            (numeric) 90th percentile
  ],
  "height" : n,                  (numeric, optional) Height of the block
  "ins" : n,                     (numeric, optional) Number of inputs, coinbase excluded
  "maxfee" : n,                  (numeric, optional) Largest fee
  "maxfeerate" : n,              (numeric, optional) Highest feerate, in satoshis per virtual byte
  "maxtxsize" : n,               (numeric, optional) Largest transaction size
  "medianfee" : n,               (numeric, optional) Median fee (rounded down)
  "mediantime" : n,              (numeric, optional) Median timestamp of the last 11 blocks up to this one
  "mediantxsize" : n,            (numeric, optional) Median transaction size (rounded down)
  "minfee" : n,                  (numeric, optional) Smallest fee
  "minfeerate" : n,              (numeric, optional) Lowest feerate, in satoshis per virtual byte
  "mintxsize" : n,               (numeric, optional) Smallest transaction size
  "outs" : n,                    (numeric, optional) Number of outputs
  "subsidy" : n,                 (numeric, optional) Subsidy of the block
  "swtotal_size" : n,            (numeric, optional) Summed size of the transactions that have witness data
  "swtotal_weight" : n,          (numeric, optional) Summed weight of the transactions that have witness data
  "swtxs" : n,                   (numeric, optional) Number of transactions that have witness data
  "time" : n,                    (numeric, optional) Timestamp of the block
  "total_out" : n,               (numeric, optional) Sum of all outputs, coinbase excluded (so without subsidy and fees)
  "total_size" : n,              (numeric, optional) Summed size of all transactions but the coinbase
  "total_weight" : n,            (numeric, optional) Summed weight of all transactions but the coinbase
  "totalfee" : n,                (numeric, optional) Sum of all fees
  "txs" : n,                     (numeric, optional) Number of transactions, coinbase included
  "utxo_increase" : n,           (numeric, optional) Change in the number of unspent outputs (unspendable outputs such as OP_RETURN counted too)
  "utxo_size_inc" : n,           (numeric, optional) Change in the size of the UTXO set (unspendable outputs such as OP_RETURN counted too)
  "utxo_increase_actual" : n,    (numeric, optional) Change in the number of unspent outputs, unspendable outputs left out
  "utxo_size_inc_actual" : n     (numeric, optional) Change in the size of the UTXO set, unspendable outputs left out
}

Examples:
> bitcoin-cli getblockstats '"00000000c937983704a73af28acdec37b049d214adbda81d7e2a3dd146f6ed09"' '["minfeerate","avgfeerate"]'
> bitcoin-cli getblockstats 1000 '["minfeerate","avgfeerate"]'
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "getblockstats", "params": ["00000000c937983704a73af28acdec37b049d214adbda81d7e2a3dd146f6ed09", ["minfeerate","avgfeerate"]]}' -H 'content-type: application/json' http://127.0.0.1:8332/
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "getblockstats", "params": [1000, ["minfeerate","avgfeerate"]]}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_GETCHAINTIPS: &str = r#"getchaintips

Lists every tip of the block tree: the tip of the active chain and the tips of side branches.

Result:
[                        (json array)
  {                      (json object)
    "height" : n,        (numeric) its height
    "hash" : "hex",      (string) its hash
    "branchlen" : n,     (numeric) blocks from the tip back to where its branch meets the active chain; 0 for the active chain
    "status" : "str"     (string) what the node knows of the branch:
                         1.  "invalid"               some block of the branch broke a rule
                         2.  "headers-only"          headers are valid but not all blocks have arrived
                         3.  "valid-headers"         all blocks are stored but not all were validated
                         4.  "valid-fork"            fully validated, but not part of the active chain
                         5.  "active"                tip of the active chain, so valid
  },
  ...
]

Examples:
> bitcoin-cli getchaintips 
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "getchaintips", "params": []}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_GETDEPLOYMENTINFO: &str = r#"getdeploymentinfo ( "blockhash" )

Reports, for each soft fork the node knows, how it is deployed and whether it is in force at a block.
Soft forks enforced from genesis on this network are left out of "deployments".

Arguments:
1. blockhash    (string, optional, default="hash of current chain tip") Hash of the block to report on

Result:
{                                       (json object)
  "hash" : "str",                       (string) hash of the block reported on
  "height" : n,                         (numeric) height of the block reported on
  "script_flags" : [                    (json array) script verification flags that apply to the block's transactions
    "str",                              (string) name of one flag
    ...
  ],
  "deployments" : {                     (json object)
    "xxxx" : {                          (json object) deployment, keyed by its name
      "type" : "str",                   (string) how it is deployed: "buried" or "bip9"
      "height" : n,                     (numeric, optional) first height at which the rules are or will be enforced (for "buried", and for "bip9" once "active")
      "active" : true|false,            (boolean) whether the rules apply to the mempool and to the next block
      "bip9" : {                        (json object, optional) version-bits signalling details (only for "bip9")
        "bit" : n,                      (numeric, optional) version bit (0-28) that signals readiness (only while "started" or "locked_in")
        "start_time" : xxx,             (numeric) median time past from which signalling counts
        "timeout" : xxx,                (numeric) median time past after which the deployment fails unless locked in
        "min_activation_height" : n,    (numeric) lowest height at which the rules may take effect
        "status" : "str",               (string) state at this block: "defined", "started", "locked_in", "active" or "failed"
        "since" : n,                    (numeric) height of the first block in this state
        "status_next" : "str",          (string) state at the next block
        "statistics" : {                (json object, optional) signalling counts for the current period (only while "started" or "locked_in")
          "period" : n,                 (numeric) blocks in a signalling period
          "threshold" : n,              (numeric, optional) signalling blocks needed in a period to lock in (only while "started")
          "elapsed" : n,                (numeric) blocks of the current period so far
          "count" : n,                  (numeric) signalling blocks of the current period so far
          "possible" : true|false       (boolean, optional) false once the period can no longer reach the threshold (only while "started")
        },
        "signalling" : "str"            (string, optional) one character per block of the period: # signalled, - did not
      }
    },
    ...
  }
}

Examples:
> bitcoin-cli getdeploymentinfo 
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "getdeploymentinfo", "params": []}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_GETDIFFICULTY: &str = r#"getdifficulty

Returns the difficulty of the tip: how many times harder than the easiest target its target is.

Result:
n    (numeric) difficulty of the tip, as a multiple of the easiest allowed target

Examples:
> bitcoin-cli getdifficulty 
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "getdifficulty", "params": []}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_GETTXOUT: &str = r#"gettxout "txid" n ( include_mempool )

Returns an unspent transaction output (a coin), or null if it is spent or was never created.

Arguments:
1. txid               (string, required) Txid of the transaction that created the output
2. n                  (numeric, required) index of the output in the transaction
3. include_mempool    (boolean, optional, default=true) Whether to look at the mempool too. Then an output spent by a mempool transaction counts as spent.

Result (If the UTXO was not found):
null    (json null)

Result (Otherwise):
{                             (json object)
  "bestblock" : "hex",        (string) Hash of the tip the answer refers to
  "confirmations" : n,        (numeric) Blocks on top of the one that created the output, counting it (0 if unconfirmed)
  "value" : n,                (numeric) Amount of the output in BTC
  "scriptPubKey" : {          (json object)
    "asm" : "str",            (string) The output script in human-readable opcodes
    "desc" : "str",           (string) Descriptor inferred from the output script
    "hex" : "hex",            (string) The output script bytes, as hex
    "type" : "str",           (string) Script template, for example pubkeyhash
    "address" : "str"         (string, optional) Address of the output script (only when the script has a standard address form)
  },
  "coinbase" : true|false     (boolean) Whether it was created by a coinbase transaction
}

Examples:

List unspent outputs (wallet)
> bitcoin-cli listunspent 

Look at one of them
> bitcoin-cli gettxout "txid" 1

The same over JSON-RPC
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "gettxout", "params": ["txid", 1]}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_GETTXOUTSETINFO: &str = r#"gettxoutsetinfo ( "hash_type" hash_or_height use_index )

Returns figures about the set of unspent transaction outputs (the UTXO set).
Without coinstatsindex the node walks the whole set, which can be slow.

Arguments:
1. hash_type         (string, optional, default="hash_serialized_3") Hash of the UTXO set to compute: 'hash_serialized_3' (the original one), 'muhash' or 'none'.
2. hash_or_height    (string or numeric, optional, default=the current best block) Hash or height of the block whose UTXO set to describe (needs coinstatsindex).
3. use_index         (boolean, optional, default=true) Read from coinstatsindex when it exists.

Result:
{                                     (json object)
  "height" : n,                       (numeric) Height of the block the figures describe
  "bestblock" : "hex",                (string) Hash of the block the figures describe
  "txouts" : n,                       (numeric) Number of unspent outputs
  "bogosize" : n,                     (numeric) A size estimate that does not depend on the database, meaningful only for comparison
  "hash_serialized_3" : "hex",        (string, optional) UTXO set hash (only when hash_type is 'hash_serialized_3')
  "muhash" : "hex",                   (string, optional) UTXO set hash (only when hash_type is 'muhash')
  "transactions" : n,                 (numeric, optional) Number of transactions that still have unspent outputs (not with coinstatsindex)
  "disk_size" : n,                    (numeric, optional) Estimated bytes of the chainstate database on disk (not with coinstatsindex)
  "total_amount" : n,                 (numeric) Sum of all unspent amounts
  "total_unspendable_amount" : n,     (numeric, optional) Sum of the amounts that can never be spent and are kept out of the set (only with coinstatsindex)
  "block_info" : {                    (json object, optional) Amounts moved by the block at this height (only with coinstatsindex)
    "prevout_spent" : n,              (numeric) Sum of the outputs spent by the block
    "coinbase" : n,                   (numeric) Subsidy the block's coinbase could claim
    "new_outputs_ex_coinbase" : n,    (numeric) Sum of the outputs the block created, coinbase excluded
    "unspendable" : n,                (numeric) Sum of the unspendable outputs the block created
    "unspendables" : {                (json object) Unspendable amounts, by cause
      "genesis_block" : n,            (numeric) The genesis subsidy, which cannot be spent
      "bip30" : n,                    (numeric) Outputs replaced by duplicate transactions (impossible since BIP30)
      "scripts" : n,                  (numeric) Amounts paid to scripts nobody can spend (such as OP_RETURN)
      "unclaimed_rewards" : n         (numeric) Fees and subsidy the coinbase left unclaimed
    }
  }
}

Examples:
> bitcoin-cli gettxoutsetinfo 
> bitcoin-cli gettxoutsetinfo "none"
> bitcoin-cli gettxoutsetinfo "none" 1000
> bitcoin-cli gettxoutsetinfo "none" '"00000000c937983704a73af28acdec37b049d214adbda81d7e2a3dd146f6ed09"'
> bitcoin-cli -named gettxoutsetinfo hash_type='muhash' use_index='false'
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "gettxoutsetinfo", "params": []}' -H 'content-type: application/json' http://127.0.0.1:8332/
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "gettxoutsetinfo", "params": ["none"]}' -H 'content-type: application/json' http://127.0.0.1:8332/
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "gettxoutsetinfo", "params": ["none", 1000]}' -H 'content-type: application/json' http://127.0.0.1:8332/
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "gettxoutsetinfo", "params": ["none", "00000000c937983704a73af28acdec37b049d214adbda81d7e2a3dd146f6ed09"]}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_PRECIOUSBLOCK: &str = r#"preciousblock "blockhash"

Makes a block win ties: it is treated as if it arrived before other blocks with the same work.

A later call for another block takes precedence.

The preference is forgotten on restart.

Arguments:
1. blockhash    (string, required) the hash of the block to prefer

Result:
null    (json null)

Examples:
> bitcoin-cli preciousblock "blockhash"
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "preciousblock", "params": ["blockhash"]}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_PRUNEBLOCKCHAIN: &str = r#"pruneblockchain height

Deletes stored blocks and their undo data up to a height or a time, if pruning allows it.
The node must run with `-prune`. The deletion cannot be undone locally, though some blocks can be fetched again (as with `getblockfrompeer`).

Arguments:
1. height    (numeric, required) Height to prune up to. A value that is a UNIX epoch time instead prunes the blocks
             whose timestamp is at least 2 hours before it.

Result:
n    (numeric) Height of the last pruned block

Examples:
> bitcoin-cli pruneblockchain 1000
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "pruneblockchain", "params": [1000]}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_VERIFYCHAIN: &str = r#"verifychain ( checklevel nblocks )

Checks the blocks and chain state stored on disk.

Arguments:
1. checklevel    (numeric, optional, default=3, range=0-4) How much to check:
                 - level 0 reads each block from disk
                 - level 1 also checks each block is valid
                 - level 2 also checks the undo data
                 - level 3 also disconnects the blocks at the tip
                 - level 4 also connects them again
                 - each level does all the checks of the levels below
2. nblocks       (numeric, optional, default=6, 0=all) How many blocks back from the tip to check.

Result:
true|false    (boolean) Whether every check passed; the debug log says why one failed.

Examples:
> bitcoin-cli verifychain 
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "verifychain", "params": []}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_WAITFORBLOCK: &str = r#"waitforblock "blockhash" ( timeout )

Waits until a given block is the tip, then returns the tip.

On timeout or shutdown, returns the tip as it is.

Turn the client's RPC timeout off for this call (bitcoin-cli -rpcclienttimeout=0)

Arguments:
1. blockhash    (string, required) Hash of the block to wait for.
2. timeout      (numeric, optional, default=0) Longest wait, in milliseconds; 0 waits without limit.

Result:
{                    (json object)
  "hash" : "hex",    (string) Hash of the tip
  "height" : n       (numeric) Height of the tip
}

Examples:
> bitcoin-cli waitforblock "0000000000079f8ef3d2c688c244eb7a4570b24c9ed7b4a8c619eb02596f8862" 1000
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "waitforblock", "params": ["0000000000079f8ef3d2c688c244eb7a4570b24c9ed7b4a8c619eb02596f8862", 1000]}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_WAITFORBLOCKHEIGHT: &str = r#"waitforblockheight height ( timeout )

Waits until the tip is at least at a given height, then returns the height and hash of
the tip.

On timeout or shutdown, returns the tip as it is.

Turn the client's RPC timeout off for this call (bitcoin-cli -rpcclienttimeout=0)

Arguments:
1. height     (numeric, required) Height to wait for.
2. timeout    (numeric, optional, default=0) Longest wait, in milliseconds; 0 waits without limit.

Result:
{                    (json object)
  "hash" : "hex",    (string) Hash of the tip
  "height" : n       (numeric) Height of the tip
}

Examples:
> bitcoin-cli waitforblockheight 100 1000
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "waitforblockheight", "params": [100, 1000]}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_WAITFORNEWBLOCK: &str = r#"waitfornewblock ( timeout "current_tip" )

Waits until the tip changes, then returns the new tip.

On timeout or shutdown, returns the tip as it is.

Turn the client's RPC timeout off for this call (bitcoin-cli -rpcclienttimeout=0)

Arguments:
1. timeout        (numeric, optional, default=0) Longest wait, in milliseconds; 0 waits without limit.
2. current_tip    (string, optional) Wait until the tip is no longer this block hash.

Result:
{                    (json object)
  "hash" : "hex",    (string) Hash of the tip
  "height" : n       (numeric) Height of the tip
}

Examples:
> bitcoin-cli waitfornewblock 1000
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "waitfornewblock", "params": [1000]}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_GETRPCINFO: &str = r#"getrpcinfo

Reports on the RPC server: the commands running now and where the log is written.

Result:
{                          (json object)
  "active_commands" : [    (json array) Commands being executed
    {                      (json object) One command being executed
      "method" : "str",    (string) Method name
      "duration" : n       (numeric) Time it has run, in microseconds
    },
    ...
  ],
  "logpath" : "str"        (string) Full path of the debug log file
}

Examples:
> bitcoin-cli getrpcinfo 
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "getrpcinfo", "params": []}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_HELP: &str = r#"help ( "command" )

Lists every command with its arguments, or explains one command.

Arguments:
1. command    (string, optional, default=all commands) Command to explain

Result:
"str"    (string) The explanation
"#;

const HELP_LOGGING: &str = r#"logging ( ["include_category",...] ["exclude_category",...] )

Reads and changes which categories of debug messages are logged.
Without arguments, reports every category and whether it is logged.
With arguments, first turns on the categories in "include", then turns off those in "exclude",
and reports the result the same way.
So a category named in both ends up turned off.
The categories are: addrman, bench, blockstorage, cmpctblock, coindb, estimatefee, http, i2p, ipc, kernel, leveldb, mempool, mempoolrej, net, privatebroadcast, proxy, prune, qt, rand, reindex, rpc, scan, selectcoins, tor, txpackages, txreconciliation, validation, walletdb, zmq
Two more names stand for several categories:
  - "all",  "1" : every category.

Arguments:
1. include                    (json array, optional) Categories to turn on
     [
       "include_category",    (string) a category
       ...
     ]
2. exclude                    (json array, optional) Categories to turn off
     [
       "exclude_category",    (string) a category
       ...
     ]

Result:
{                             (json object) one key per category, with whether it is logged
  "category" : true|false,    (boolean) true when logged, false when not
  ...
}

Examples:
> bitcoin-cli logging "[\"all\"]" "[\"http\"]"
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "logging", "params": [["all"], ["leveldb"]]}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_STOP: &str = r#"stop

Asks the node to shut down cleanly.

Result:
"str"    (string) A short message saying that the node is stopping
"#;

const HELP_UPTIME: &str = r#"uptime

Returns how long the server has been running.

Result:
n    (numeric) Seconds since the server started

Examples:
> bitcoin-cli uptime 
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "uptime", "params": []}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_GETBLOCKTEMPLATE: &str = r#"getblocktemplate {"mode":"str","capabilities":["str",...],"rules":["segwit","str",...],"longpollid":"str","data":"hex"}

Returns what a miner needs to build the next block (mode 'template', the default), or checks a
proposed block without submitting it (mode 'proposal').
The protocol is specified by BIPs 22, 23, 9 and 145:
    https://github.com/bitcoin/bips/blob/master/bip-0022.mediawiki
    https://github.com/bitcoin/bips/blob/master/bip-0023.mediawiki
    https://github.com/bitcoin/bips/blob/master/bip-0009.mediawiki#getblocktemplate_changes
    https://github.com/bitcoin/bips/blob/master/bip-0145.mediawiki

Arguments:
1. template_request            (json object, required) What is asked for
     {
       "mode": "str",          (string, optional) "template" (the default when left out) or "proposal" (BIP23)
       "capabilities": [       (json array, optional) Strings
         "str",                (string) a feature the client supports: 'longpoll', 'coinbasevalue', 'proposal', 'serverlist' or 'workid'
         ...
       ],
       "rules": [              (json array, required) Strings
         "segwit",             (string, required) (literal) the client handles segwit blocks
         "str",                (string) another soft fork deployment the client handles
         ...
       ],
       "longpollid": "str",    (string, optional) answer only once the template would differ noticeably from the one this "longpollid" came with
       "data": "hex",          (string, optional) the proposed block, serialized, as hex; only with mode="proposal"
     }

Result (If the proposal was accepted with mode=='proposal'):
null    (json null)

Result (If the proposal was not accepted with mode=='proposal'):
"str"    (string) The reason for rejection, as BIP22 words it

Result (Otherwise):
{                                          (json object)
  "version" : n,                           (numeric) Block version to use
  "rules" : [                              (json array) rules the block must follow
    "str",                                 (string) name of a rule the client has to know about; format as in BIP9
    ...
  ],
  "vbavailable" : {                        (json object) soft fork deployments now signalling that the server supports (BIP9)
    "rulename" : n,                        (numeric) version bit of the named deployment, set to signal readiness
    ...
  },
  "capabilities" : [                       (json array)
    "str",                                 (string) A feature the server supports, such as 'proposal'
    ...
  ],
  "vbrequired" : n,                        (numeric) version bits a submitted block must set
  "previousblockhash" : "str",             (string) Hash of the tip the block builds on
  "transactions" : [                       (json array) transactions to put after the coinbase
    {                                      (json object)
      "data" : "hex",                      (string) the serialized transaction, as hex
      "txid" : "hex",                      (string) txid (hash without witness), byte-reversed hex
      "hash" : "hex",                      (string) wtxid (hash with witness), byte-reversed hex
      "depends" : [                        (json array) numbers
        n,                                 (numeric) 1-based positions in 'transactions' of the transactions this one needs before it in the block
        ...
      ],
      "fee" : n,                           (numeric) fee paid, in satoshis (inputs minus outputs); when the key is missing the fee is unknown, and clients MUST NOT take it to be zero
      "sigops" : n,                        (numeric) sigop cost as block limits count it; when the key is missing the cost is unknown, and clients MUST NOT take it to be zero
      "weight" : n                         (numeric) weight as block limits count it
    },
    ...
  ],
  "coinbaseaux" : {                        (json object) bytes the coinbase scriptSig should contain
    "key" : "hex",                         (string) bytes to include in the coinbase (the key names may be ignored)
    ...
  },
  "coinbasevalue" : n,                     (numeric) the most the coinbase outputs may claim, in satoshis: subsidy plus fees
  "longpollid" : "str",                    (string) identifier to send back in a long-polling request for this template
  "target" : "str",                        (string) Target the block hash must meet
  "mintime" : xxx,                         (numeric) Earliest timestamp the block may have, in UNIX epoch time, taking the BIP94 timewarp rule into account.
  "mutable" : [                            (json array) what the client may change in the template
    "str",                                 (string) One thing the client may change, such as 'time', 'transactions' or 'prevblock'
    ...
  ],
  "noncerange" : "hex",                    (string) Nonce values that may be used
  "sigoplimit" : n,                        (numeric) sigop cost limit of a block
  "sizelimit" : n,                         (numeric) size limit of a block
  "weightlimit" : n,                       (numeric, optional) weight limit of a block
  "curtime" : xxx,                         (numeric) the server's time, in UNIX epoch time, taking the BIP94 timewarp rule into account.
  "bits" : "str",                          (string) nBits of the next block
  "height" : n,                            (numeric) Height of the block being built
  "signet_challenge" : "hex",              (string, optional) The block challenge, on a signet only
  "default_witness_commitment" : "hex"     (string, optional) witness commitment for the block as templated, ready for the coinbase
}

Examples:
> bitcoin-cli getblocktemplate '{"rules": ["segwit"]}'
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "getblocktemplate", "params": [{"rules": ["segwit"]}]}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_GETMININGINFO: &str = r#"getmininginfo

Reports what concerns mining: the chain height, the current and next difficulty, the mempool size.

Result:
{                                (json object)
  "blocks" : n,                  (numeric) Height of the tip
  "currentblockweight" : n,      (numeric, optional) Weight of the last block template built, including what is reserved for header, transaction count and coinbase (only once a template was built)
  "currentblocktx" : n,          (numeric, optional) Transactions in the last block template built, coinbase excluded (only once a template was built)
  "bits" : "hex",                (string) nBits of the tip: its target in compact form
  "difficulty" : n,              (numeric) Difficulty of the tip
  "target" : "hex",              (string) Target of the tip
  "networkhashps" : n,           (numeric) Estimated hashes per second of the whole network
  "pooledtx" : n,                (numeric) Transactions in the mempool
  "blockmintxfee" : n,           (numeric) Lowest feerate a package needs to be put in a block, in BTC/kvB
  "chain" : "str",               (string) network this node runs on (main, test, testnet4, signet, regtest)
  "signet_challenge" : "hex",    (string, optional) The signet block challenge script, as hex (only on a signet)
  "next" : {                     (json object) The block to be mined next
    "height" : n,                (numeric) Its height
    "bits" : "hex",              (string) Its nBits
    "difficulty" : n,            (numeric) Its difficulty
    "target" : "hex"             (string) Its target
  },
  "warnings" : [                 (json array) warnings about the network or the chain (start with `-deprecatedrpc=warnings` to get only the latest one, as a string)
    "str",                       (string) one warning
    ...
  ]
}

Examples:
> bitcoin-cli getmininginfo 
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "getmininginfo", "params": []}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_SUBMITBLOCK: &str = r#"submitblock "hexdata" ( "dummy" )

Submits a serialized block to the node, which validates it and, if it is valid, adds it to the block tree and relays it.
The answer follows BIP22 (https://en.bitcoin.it/wiki/BIP_0022).

Arguments:
1. hexdata    (string, required) the serialized block, as hex
2. dummy      (string, optional, default=ignored) not used; there for BIP22 compatibility.

Result (If the block was accepted):
null    (json null)

Result (Otherwise):
"str"    (string) The reason for rejection, as BIP22 words it

Examples:
> bitcoin-cli submitblock "mydata"
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "submitblock", "params": ["mydata"]}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_SUBMITHEADER: &str = r#"submitheader "hexdata"

Decodes a serialized block header and, if it is valid, adds it to the block tree as a possible chain tip.
An invalid header is an error.

Arguments:
1. hexdata    (string, required) the 80-byte serialized header, as hex

Result:
null    (json null) Nothing

Examples:
> bitcoin-cli submitheader "aabbcc"
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "submitheader", "params": ["aabbcc"]}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_GETCONNECTIONCOUNT: &str = r#"getconnectioncount

Returns how many peers the node is connected to.

Result:
n    (numeric) Number of connections

Examples:
> bitcoin-cli getconnectioncount 
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "getconnectioncount", "params": []}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_GETNETWORKINFO: &str = r#"getnetworkinfo

Reports the node's peer-to-peer networking: version, services, connections, networks and fees.

Result:
{                                                    (json object)
  "version" : n,                                     (numeric) the server's version, as a number
  "subversion" : "str",                              (string) the server's user agent
  "protocolversion" : n,                             (numeric) version of the P2P protocol spoken
  "localservices" : "hex",                           (string) service bits this node offers
  "localservicesnames" : [                           (json array) names of the services this node offers
    "str",                                           (string) name of one service
    ...
  ],
  "localrelay" : true|false,                         (boolean) whether the node asks peers to relay transactions to it
  "timeoffset" : n,                                  (numeric) median offset of the peers' clocks, in seconds
  "connections" : n,                                 (numeric) all connections, in and out
  "connections_in" : n,                              (numeric) connections that peers opened to us
  "connections_out" : n,                             (numeric) connections we opened to peers
  "networkactive" : true|false,                      (boolean) whether peer-to-peer networking is switched on
  "networks" : [                                     (json array) one entry per network type
    {                                                (json object)
      "name" : "str",                                (string) network type (ipv4, ipv6, onion, i2p, cjdns)
      "limited" : true|false,                        (boolean) whether -onlynet leaves this network out
      "reachable" : true|false,                      (boolean) whether the node can reach this network
      "proxy" : "str",                               (string) ("host:port") proxy used for this network, empty when none
      "proxy_randomize_credentials" : true|false     (boolean) Whether each connection gets random proxy credentials
    },
    ...
  ],
  "relayfee" : n,                                    (numeric) lowest feerate at which transactions are relayed, in BTC/kvB
  "incrementalfee" : n,                              (numeric) smallest feerate step used when the mempool evicts or a transaction replaces another, in BTC/kvB
  "localaddresses" : [                               (json array) addresses this node believes it can be reached at
    {                                                (json object)
      "address" : "str",                             (string) the address
      "port" : n,                                    (numeric) its port
      "score" : n                                    (numeric) its score compared with the others
    },
    ...
  ],
  "warnings" : [                                     (json array) warnings about the network or the chain (start with `-deprecatedrpc=warnings` to get only the latest one, as a string)
    "str",                                           (string) one warning
    ...
  ]
}

Examples:
> bitcoin-cli getnetworkinfo 
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "getnetworkinfo", "params": []}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_GETPEERINFO: &str = r#"getpeerinfo

Describes each connected peer, one object per peer.

Result:
[                                         (json array)
  {                                       (json object)
    "id" : n,                             (numeric) Identifier of the peer
    "addr" : "str",                       (string) (host:port) Address or host name of the peer, with the port when known
    "addrbind" : "str",                   (string, optional) (ip:port) Local address of our side of the connection
    "addrlocal" : "str",                  (string, optional) (ip:port) Our address as the peer reports it
    "network" : "str",                    (string) Network type (ipv4, ipv6, onion, i2p, cjdns, not_publicly_routable)
    "mapped_as" : n,                      (numeric, optional) Autonomous System number the route to the peer ends at, used to spread
                                          connections over networks (only when -asmap is set)
    "services" : "hex",                   (string) Service bits the peer offers
    "servicesnames" : [                   (json array) names of the services the peer offers
      "str",                              (string) name of one service, when known
      ...
    ],
    "relaytxes" : true|false,             (boolean) Whether we announce transactions to this peer
    "last_inv_sequence" : n,              (numeric) Mempool sequence number at our last transaction announcement to this peer
    "inv_to_send" : n,                    (numeric) Transactions waiting to be announced to this peer
    "lastsend" : xxx,                     (numeric) UNIX epoch time we last sent to this peer
    "lastrecv" : xxx,                     (numeric) UNIX epoch time we last received from this peer
    "last_transaction" : xxx,             (numeric) UNIX epoch time of the last valid transaction this peer sent us
    "last_block" : xxx,                   (numeric) UNIX epoch time of the last block this peer sent us
    "bytessent" : n,                      (numeric) Bytes sent to this peer
    "bytesrecv" : n,                      (numeric) Bytes received from this peer
    "conntime" : xxx,                     (numeric) UNIX epoch time the connection was made
    "timeoffset" : n,                     (numeric) Offset of the peer's clock, in seconds
    "pingtime" : n,                       (numeric, optional) Round trip of the last ping, in seconds, if any
    "minping" : n,                        (numeric, optional) Fastest ping round trip seen, in seconds, if any
    "pingwait" : n,                       (numeric, optional) Seconds the unanswered ping has waited (if non-zero)
    "version" : n,                        (numeric) Protocol version the peer announced, such as 70001
    "subver" : "str",                     (string) User agent the peer announced
    "inbound" : true|false,               (boolean) true when the peer connected to us, false when we connected to it
    "bip152_hb_to" : true|false,          (boolean) Whether we asked this peer to push new blocks to us (BIP152 high-bandwidth mode)
    "bip152_hb_from" : true|false,        (boolean) Whether this peer asked us to push new blocks to it (BIP152 high-bandwidth mode)
    "presynced_headers" : n,              (numeric) Height reached by header pre-synchronization with this peer, or -1 when none is running
    "synced_headers" : n,                 (numeric) Highest header we and this peer both have
    "synced_blocks" : n,                  (numeric) Highest block we and this peer both have
    "inflight" : [                        (json array)
      n,                                  (numeric) Heights of the blocks we are downloading from this peer
      ...
    ],
    "addr_relay_enabled" : true|false,    (boolean) Whether we exchange addresses with this peer
    "addr_processed" : n,                 (numeric) Addresses from this peer that were processed, those dropped by rate limiting not counted
    "addr_rate_limited" : n,              (numeric) Addresses from this peer dropped by rate limiting
    "permissions" : [                     (json array) Permissions this peer has been given
      "str",                              (string) bloomfilter (may ask for BIP37 filtered blocks and transactions),
                                          noban (never banned for misbehaviour; includes download),
                                          forcerelay (its transactions are relayed even if already in the mempool; includes relay),
                                          relay (transactions relayed even with -blocksonly, announcements not limited),
                                          mempool (may ask for the mempool's contents, BIP35),
                                          download (may fetch headers during IBD, not cut off at maxuploadtarget),
                                          addr (GETADDR answers bypass the cache and give fresh random records).
      ...
    ],
    "minfeefilter" : n,                   (numeric) Lowest feerate of transactions this peer wants to hear about
    "bytessent_per_msg" : {               (json object)
      "msg" : n,                          (numeric) Bytes sent, per message type
                                          A message type that is not listed had 0 bytes sent.
                                          Only known message types are keys.
      ...
    },
    "bytesrecv_per_msg" : {               (json object)
      "msg" : n,                          (numeric) Bytes received, per message type
                                          A message type that is not listed had 0 bytes received.
                                          Only known message types are keys; bytes of unknown types
                                          are counted under '*other*'.
      ...
    },
    "connection_type" : "str",            (string) Kind of connection:
                                          outbound-full-relay (automatic, relays everything),
                                          block-relay-only (relays blocks, no transactions or addresses),
                                          inbound (opened by the peer),
                                          manual (from addnode or -addnode/-connect),
                                          addr-fetch (brief automatic connection to gather addresses),
                                          feeler (brief automatic connection to test an address),
                                          private-broadcast (brief automatic connection to broadcast a transaction privately).
                                          These names may change in later releases as the kinds of connection
                                          are refined.
    "transport_protocol_type" : "str",    (string) Transport protocol:
                                          detecting (v1 or v2 not known yet),
                                          v1 (unencrypted),
                                          v2 (encrypted, BIP324).
    "session_id" : "str"                  (string) Session ID of the connection, or "" when there is none (v2 transport only).
  },
  ...
]

Examples:
> bitcoin-cli getpeerinfo 
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "getpeerinfo", "params": []}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_CREATERAWTRANSACTION: &str = r#"createrawtransaction [{"txid":"hex","vout":n,"sequence":n},...] [{"address":amount,...},{"data":"hex"},...] ( locktime replaceable version )

Builds an unsigned transaction from the given inputs and outputs and returns it serialized, in hex.
An output pays to an address or carries data.
Nothing is signed, stored in a wallet or broadcast.

Arguments:
1. inputs                      (json array, required) The coins to spend
     [
       {                       (json object)
         "txid": "hex",        (string, required) Txid of the transaction whose output is spent
         "vout": n,            (numeric, required) Index of the output to spend
         "sequence": n,        (numeric, optional, default=depends on the value of the 'replaceable' and 'locktime' arguments) nSequence of the input
       },
       ...
     ]
2. outputs                     (json array, required) The outputs, as objects of key-value pairs.
                               A key may appear only once overall: no address twice, at most one 'data'.
                               There must be at least one output.
                               For older callers, one object holding all the pairs is accepted
                               in place of the array.
     [
       {                       (json object)
         "address": amount,    (numeric or string, required) The key is a bitcoin address, the value the amount in BTC it receives (number or string)
         ...
       },
       {                       (json object)
         "data": "hex",        (string, required) The key is "data", the value hex bytes to put in an OP_RETURN output
       },
       ...
     ]
3. locktime                    (numeric, optional, default=0) nLockTime of the transaction. A non-zero value also makes the inputs' sequence numbers enable it
4. replaceable                 (boolean, optional, default=true) Signal BIP125 replaceability through the sequence numbers.
                               Then a transaction paying more fee may replace it. It is an error if an explicit sequence number contradicts this.
5. version                     (numeric, optional, default=2) Version of the transaction

Result:
"hex"    (string) the unsigned transaction, serialized, as hex

Examples:
> bitcoin-cli createrawtransaction "[{\"txid\":\"myid\",\"vout\":0}]" "[{\"address\":0.01}]"
> bitcoin-cli createrawtransaction "[{\"txid\":\"myid\",\"vout\":0}]" "[{\"data\":\"00010203\"}]"
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "createrawtransaction", "params": ["[{\"txid\":\"myid\",\"vout\":0}]", "[{\"address\":0.01}]"]}' -H 'content-type: application/json' http://127.0.0.1:8332/
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "createrawtransaction", "params": ["[{\"txid\":\"myid\",\"vout\":0}]", "[{\"data\":\"00010203\"}]"]}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_DECODERAWTRANSACTION: &str = r#"decoderawtransaction "hexstring" ( iswitness )

Decodes a serialized transaction given in hex and describes it as an object.

Arguments:
1. hexstring    (string, required) The serialized transaction, as hex
2. iswitness    (boolean, optional, default=depends on heuristic tests) Whether the transaction is serialized with witness data.
                When left out, both forms are tried, using heuristics.
                true: only the form with witness is tried.
                false: only the form without witness is tried.
                A transaction without inputs can read either way; pass true
                if you know it has inputs (as any valid or mined transaction does).

Result:
{                             (json object)
  "txid" : "hex",             (string) The txid: hash of the serialization without witness
  "hash" : "hex",             (string) Hash of the serialization with witness, the wtxid (equal to txid when there is no witness)
  "size" : n,                 (numeric) Serialized size in bytes, witness included
  "vsize" : n,                (numeric) Virtual size: weight divided by 4, rounded up (equal to size when there is no witness)
  "weight" : n,               (numeric) Weight as BIP141 defines it (from vsize*4-3 to vsize*4)
  "version" : n,              (numeric) Transaction version
  "locktime" : xxx,           (numeric) nLockTime
  "vin" : [                   (json array)
    {                         (json object)
      "coinbase" : "hex",     (string, optional) scriptSig of a coinbase input, as hex (coinbase transactions only)
      "txid" : "hex",         (string, optional) txid of the transaction whose output is spent (not for coinbase)
      "vout" : n,             (numeric, optional) index of the spent output (not for coinbase)
      "scriptSig" : {         (json object, optional) The scriptSig (not for coinbase)
        "asm" : "str",        (string) The scriptSig in human-readable opcodes
        "hex" : "hex"         (string) The scriptSig bytes, as hex
      },
      "txinwitness" : [       (json array, optional)
        "hex",                (string) a witness stack item, as hex
        ...
      ],
      "sequence" : n          (numeric) nSequence of the input
    },
    ...
  ],
  "vout" : [                  (json array)
    {                         (json object)
      "value" : n,            (numeric) Amount in BTC
      "n" : n,                (numeric) index of the output in the transaction
      "scriptPubKey" : {      (json object)
        "asm" : "str",        (string) The output script in human-readable opcodes
        "desc" : "str",       (string) Descriptor inferred from the output script
        "hex" : "hex",        (string) The output script bytes, as hex
        "address" : "str",    (string, optional) Address of the output script (only when the script has a standard address form)
        "type" : "str"        (string) Script template (one of: nonstandard, anchor, pubkey, pubkeyhash, scripthash, multisig, nulldata, witness_v0_scripthash, witness_v0_keyhash, witness_v1_taproot, witness_unknown)
      }
    },
    ...
  ]
}

Examples:
> bitcoin-cli decoderawtransaction "hexstring"
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "decoderawtransaction", "params": ["hexstring"]}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_DECODESCRIPT: &str = r#"decodescript "hexstring"

Decodes a script given in hex and describes it, with the addresses of the scripts that could wrap it.

Arguments:
1. hexstring    (string, required) the script bytes, as hex

Result:
{                             (json object)
  "asm" : "str",              (string) The script in human-readable opcodes
  "desc" : "str",             (string) Descriptor inferred from the script
  "type" : "str",             (string) Script template (for example nonstandard, anchor, pubkey, pubkeyhash, scripthash, multisig, nulldata, witness_v0_scripthash, witness_v0_keyhash, witness_v1_taproot, witness_unknown)
  "address" : "str",          (string, optional) Address of the script read as an output script (only when it has a standard address form)
  "p2sh" : "str",             (string, optional) P2SH address that pays to this script as redeem script (absent when such wrapping makes no sense)
  "segwit" : {                (json object, optional) Segwit output script that pays to this script as witness script (absent when such wrapping makes no sense)
    "asm" : "str",            (string) The output script in human-readable opcodes
    "hex" : "hex",            (string) The output script bytes, as hex
    "type" : "str",           (string) Template of that output script (for example witness_v0_keyhash or witness_v0_scripthash)
    "address" : "str",        (string, optional) Address of the output script (only when the script has a standard address form)
    "desc" : "str",           (string) Descriptor inferred from that output script
    "p2sh-segwit" : "str"     (string) P2SH address that wraps that segwit output script
  }
}

Examples:
> bitcoin-cli decodescript "hexstring"
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "decodescript", "params": ["hexstring"]}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_GETRAWTRANSACTION: &str = r#"getrawtransaction "txid" ( verbosity "blockhash" )

Returns a transaction. Without -txindex and without a blockhash, only mempool transactions are found.
With -txindex, a transaction in the mempool or in any block of the active chain is found.
With a blockhash, the transaction is looked for in that block only (the block must be stored).

Wallet transactions: see gettransaction.

verbosity 0 (the default): the serialized transaction, as hex.
verbosity 1: an object describing the transaction.
verbosity 2: as 1, plus the fee and, for each input, the output it spends.

Arguments:
1. txid         (string, required) Txid of the transaction to return
2. verbosity    (numeric, optional, default=0) 0 for the serialized transaction in hex, 1 for an object, 2 for an object with fee and spent outputs
3. blockhash    (string, optional) Hash of the block to search

Result (if verbosity is not set or set to 0):
"str"    (string) The serialized transaction, as hex

Result (if verbosity is set to 1):
{                                    (json object)
  "in_active_chain" : true|false,    (boolean, optional) Whether the given block is in the active chain (only when a blockhash was passed)
  "blockhash" : "hex",               (string, optional) hash of the block holding the transaction
  "confirmations" : n,               (numeric, optional) Blocks on top of the one holding the transaction, counting it
  "blocktime" : xxx,                 (numeric, optional) Timestamp of the block holding the transaction, in UNIX epoch time
  "time" : n,                        (numeric, optional) Equal to "blocktime"
  "hex" : "hex",                     (string) The serialized transaction, as hex
  "txid" : "hex",                    (string) The txid (the one asked for)
  "hash" : "hex",                    (string) Hash of the serialization with witness, the wtxid (equal to txid when there is no witness)
  "size" : n,                        (numeric) Serialized size in bytes, witness included
  "vsize" : n,                       (numeric) Virtual size: weight divided by 4, rounded up (equal to size when there is no witness)
  "weight" : n,                      (numeric) Weight as BIP141 defines it (from vsize*4-3 to vsize*4)
  "version" : n,                     (numeric) Transaction version
  "locktime" : xxx,                  (numeric) nLockTime
  "vin" : [                          (json array)
    {                                (json object)
      "coinbase" : "hex",            (string, optional) scriptSig of a coinbase input, as hex (coinbase transactions only)
      "txid" : "hex",                (string, optional) txid of the transaction whose output is spent (not for coinbase)
      "vout" : n,                    (numeric, optional) index of the spent output (not for coinbase)
      "scriptSig" : {                (json object, optional) The scriptSig (not for coinbase)
        "asm" : "str",               (string) The scriptSig in human-readable opcodes
        "hex" : "hex"                (string) The scriptSig bytes, as hex
      },
      "txinwitness" : [              (json array, optional)
        "hex",                       (string) a witness stack item, as hex
        ...
      ],
      "sequence" : n                 (numeric) nSequence of the input
    },
    ...
  ],
  "vout" : [                         (json array)
    {                                (json object)
      "value" : n,                   (numeric) Amount in BTC
      "n" : n,                       (numeric) index of the output in the transaction
      "scriptPubKey" : {             (json object)
        "asm" : "str",               (string) The output script in human-readable opcodes
        "desc" : "str",              (string) Descriptor inferred from the output script
        "hex" : "hex",               (string) The output script bytes, as hex
        "address" : "str",           (string, optional) Address of the output script (only when the script has a standard address form)
        "type" : "str"               (string) Script template (one of: nonstandard, anchor, pubkey, pubkeyhash, scripthash, multisig, nulldata, witness_v0_scripthash, witness_v0_keyhash, witness_v1_taproot, witness_unknown)
      }
    },
    ...
  ]
}

Result (for verbosity = 2):
{                                    (json object)
  ...,                               All the fields of verbosity 1
  "fee" : n,                         (numeric, optional) fee paid by the transaction in BTC; absent when the block's undo data is missing
  "vin" : [                          (json array)
    {                                (json object) an input, with the output it spends
      ...,                           All the input fields of verbosity 1
      "prevout" : {                  (json object, optional) The output this input spends; absent when the block's undo data is missing
        "generated" : true|false,    (boolean) Whether it was created by a coinbase transaction
        "height" : n,                (numeric) Height of the block that created the spent output
        "value" : n,                 (numeric) Amount in BTC
        "scriptPubKey" : {           (json object)
          "asm" : "str",             (string) The output script in human-readable opcodes
          "desc" : "str",            (string) Descriptor inferred from the output script
          "hex" : "hex",             (string) The output script bytes, as hex
          "address" : "str",         (string, optional) Address of the output script (only when the script has a standard address form)
          "type" : "str"             (string) Script template (one of: nonstandard, anchor, pubkey, pubkeyhash, scripthash, multisig, nulldata, witness_v0_scripthash, witness_v0_keyhash, witness_v1_taproot, witness_unknown)
        }
      }
    },
    ...
  ]
}

Examples:
> bitcoin-cli getrawtransaction "mytxid"
> bitcoin-cli getrawtransaction "mytxid" 1
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "getrawtransaction", "params": ["mytxid", 1]}' -H 'content-type: application/json' http://127.0.0.1:8332/
> bitcoin-cli getrawtransaction "mytxid" 0 "myblockhash"
> bitcoin-cli getrawtransaction "mytxid" 1 "myblockhash"
> bitcoin-cli getrawtransaction "mytxid" 2 "myblockhash"
"#;

const HELP_ECHO: &str = r#"echo ( "arg0" "arg1" "arg2" "arg3" "arg4" "arg5" "arg6" "arg7" "arg8" "arg9" )

Returns its arguments unchanged, as an array. For testing.

If arg9 is 'trigger_internal_bug', it fails with an internal bug report instead.

echo and echojson behave the same on the server; they differ only in bitcoin-cli and the GUI, which
convert echojson's arguments from JSON before sending them.

Arguments:
1. arg0     (string, optional)
2. arg1     (string, optional)
3. arg2     (string, optional)
4. arg3     (string, optional)
5. arg4     (string, optional)
6. arg5     (string, optional)
7. arg6     (string, optional)
8. arg7     (string, optional)
9. arg8     (string, optional)
10. arg9    (string, optional)
"#;

const HELP_ECHOJSON: &str = r#"echojson ( "arg0" "arg1" "arg2" "arg3" "arg4" "arg5" "arg6" "arg7" "arg8" "arg9" )

Returns its arguments unchanged, as an array. For testing.

If arg9 is 'trigger_internal_bug', it fails with an internal bug report instead.

echo and echojson behave the same on the server; they differ only in bitcoin-cli and the GUI, which
convert echojson's arguments from JSON before sending them.

Arguments:
1. arg0     (string, optional)
2. arg1     (string, optional)
3. arg2     (string, optional)
4. arg3     (string, optional)
5. arg4     (string, optional)
6. arg5     (string, optional)
7. arg6     (string, optional)
8. arg7     (string, optional)
9. arg8     (string, optional)
10. arg9    (string, optional)
"#;

const HELP_GENERATEBLOCK: &str = r#"generateblock "output" ["rawtx/txid",...] ( submit )

Mines one block holding exactly the given transactions, in the given order, paying its coinbase
to an address or descriptor, and returns the block hash.
The coinbase claims only the subsidy, not the fees.

Arguments:
1. output               (string, required) Address or descriptor the coinbase output pays to.
2. transactions         (json array, required) Transactions to include, each as a txid or as a serialized transaction in hex.
                        A txid must name a transaction in the mempool.
                        The transactions must be valid in this order, or the block is invalid.
     [
       "rawtx/txid",    (string)
       ...
     ]
3. submit               (boolean, optional, default=true) Whether to submit the block, or only return it serialized.

Result:
{                    (json object)
  "hash" : "hex",    (string) hash of the mined block
  "hex" : "hex"      (string, optional) the serialized block, as hex; only when submit=false
}

Examples:

Mine a block paying to myaddress, holding rawtx and then the mempool transaction mempool_txid
> bitcoin-cli generateblock "myaddress" '["rawtx", "mempool_txid"]'
"#;

const HELP_GENERATETOADDRESS: &str = r#"generatetoaddress nblocks "address" ( maxtries )

Mines blocks right away paying their coinbase to an address, and returns their hashes.

Arguments:
1. nblocks     (numeric, required) Number of blocks to mine.
2. address     (string, required) Address the coinbase outputs pay to.
3. maxtries    (numeric, optional, default=1000000) Most nonces to try before giving up.

Result:
[           (json array) hashes of the mined blocks
  "hex",    (string) hash of one block
  ...
]

Examples:

Mine 11 blocks paying to myaddress
> bitcoin-cli generatetoaddress 11 "myaddress"
With a wallet loaded, getnewaddress gives an address to mine to:
> bitcoin-cli getnewaddress 
"#;

const HELP_GENERATETODESCRIPTOR: &str = r#"generatetodescriptor num_blocks "descriptor" ( maxtries )

Mines blocks right away paying their coinbase to a descriptor's script, and returns their hashes.

Arguments:
1. num_blocks    (numeric, required) Number of blocks to mine.
2. descriptor    (string, required) Descriptor of the script the coinbase outputs pay to.
3. maxtries      (numeric, optional, default=1000000) Most nonces to try before giving up.

Result:
[           (json array) hashes of the mined blocks
  "hex",    (string) hash of one block
  ...
]

Examples:

Mine 11 blocks paying to mydesc
> bitcoin-cli generatetodescriptor 11 "mydesc"
"#;

const HELP_INVALIDATEBLOCK: &str = r#"invalidateblock "blockhash"

Marks a block as invalid, as if it broke a consensus rule, until reconsiderblock; the chain
reorganizes away from it.

Arguments:
1. blockhash    (string, required) hash of the block to treat as invalid

Result:
null    (json null)

Examples:
> bitcoin-cli invalidateblock "blockhash"
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "invalidateblock", "params": ["blockhash"]}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_MOCKSCHEDULER: &str = r#"mockscheduler delta_time

Moves the scheduler forward in time, for tests (-regtest only)

Arguments:
1. delta_time    (numeric, required) Seconds to move the scheduler forward.

Result:
null    (json null)
"#;

const HELP_RECONSIDERBLOCK: &str = r#"reconsiderblock "blockhash"

Clears the invalid mark of a block, its ancestors and descendants, and lets them compete for the
active chain again. It undoes invalidateblock.

Arguments:
1. blockhash    (string, required) the hash of the block to clear

Result:
null    (json null)

Examples:
> bitcoin-cli reconsiderblock "blockhash"
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "reconsiderblock", "params": ["blockhash"]}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

const HELP_SETMOCKTIME: &str = r#"setmocktime timestamp

Sets the node's clock to a given time, for tests (-regtest only)

Arguments:
1. timestamp    (numeric, required) UNIX epoch time
                0 returns to the system clock.

Result:
null    (json null)
"#;

const HELP_SYNCWITHVALIDATIONINTERFACEQUEUE: &str = r#"syncwithvalidationinterfacequeue

Waits until the validation interface queue has handled every event queued before the call, for tests.

Result:
null    (json null)

Examples:
> bitcoin-cli syncwithvalidationinterfacequeue 
> curl --user myusername --data-binary '{"jsonrpc": "2.0", "id": "curltest", "method": "syncwithvalidationinterfacequeue", "params": []}' -H 'content-type: application/json' http://127.0.0.1:8332/
"#;

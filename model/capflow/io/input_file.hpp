#pragma once
// The one way capflow reads an input file (scenarios and what they extend, result files
// and shards, templates, diff inputs): bounded, regular files only, text checked.
//
// Hostile paths must fail fast and clearly: a FIFO would block forever, /dev/zero would
// grow memory until the process dies, a directory reads as empty. So a file must be a
// regular file (after symlinks), no larger than its kind's cap, and its text valid UTF-8
// without NUL bytes. "-" reads standard input, bounded the same way, where a command
// reads one such file. docs/reliability.md lists the caps.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "capflow/io/diagnostic.hpp"
#include "capflow/io/result.hpp"

namespace capflow {

enum class InputKind { scenario, result, text_template };

// The largest file of each kind, in bytes: scenarios and templates are written by
// hand (16 MiB); result files carry sketches and accumulators (64 MiB).
std::uintmax_t max_input_bytes(InputKind kind);
// "scenario file", "result file", "template".
const char* input_kind_name(InputKind kind);

struct InputFailure {
  std::string reason;  // "it is a FIFO, not a regular file", "more than 16 MiB ..."
  SourcePos pos;       // set for text problems (NUL, invalid UTF-8)
};

// The bytes of path ("-": standard input, when allow_stdin), or why not. The text is
// checked by check_text.
struct InputText {
  std::optional<std::string> text;
  InputFailure failure;  // meaningful when !text
};
InputText read_input(const std::string& path, InputKind kind, bool allow_stdin = false);

// The first NUL byte or invalid UTF-8 sequence in text (overlong forms, surrogates and
// code points above U+10FFFF are invalid), located by line and column (in characters),
// with what is wrong; nullopt if the text is clean.
std::optional<InputFailure> check_text(std::string_view text);

// Whether s is valid UTF-8 (names and values that will be written into JSON output).
bool is_valid_utf8(std::string_view s);

// capflow's outputs nest a few levels; a saved output (diff, render, merge) nesting deeper
// than this is refused before parsing, so that the recursive algorithms on a document
// (copy, dump, diff, destruction) cannot run out of stack on a hostile one.
inline constexpr int kMaxOutputDepth = 64;
// Whether the JSON text opens more than max_depth arrays and objects inside each other
// (brackets inside strings do not count). One pass, no parsing.
bool json_nests_deeper_than(std::string_view text, int max_depth);

}  // namespace capflow

#pragma once
// Output plumbing shared by the commands: formats, tables, and atomic file writes.

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

namespace capflow::cli {

enum class Format { table, json, csv, md, xlsx };

// Adds --format (default table) and -o/--output to a command. After parsing, a format not
// given with --format comes from -o's extension (.json, .csv, .md, .xlsx; .txt is the
// table); an extension naming another format than --format, or a format the command
// cannot write (`formats`), is a parse error (exit 2) before anything runs.
struct OutputOptions {
  Format format = Format::table;
  std::string output_path;  // empty: stdout
  bool format_given = false;
};
void add_output_options(CLI::App& app, OutputOptions& options,
                        std::vector<Format> formats = {Format::table, Format::json, Format::csv,
                                                       Format::md, Format::xlsx});

// The name of a format as --format spells it.
const char* format_name(Format format);

// Writes text to stdout, or to path atomically (a temporary file beside it, then
// rename): a failed run never leaves a partial or truncated output file.
// Returns an error message, or nullopt on success.
// The target must be a regular file or not exist (a device, FIFO or directory is
// refused); a symbolic link is written through to its target; an existing file keeps
// its mode; a file with other hard links, or one of the command's inputs
// (add_input_files), is refused; SIGINT/SIGTERM during the write remove the temporary.
std::optional<std::string> emit(const std::string& text, const std::string& path);

// Records the files a command reads, so that emit refuses to replace any of them.
void add_input_files(const std::vector<std::string>& paths);

// A table of text cells rendered as aligned plain text, Markdown or CSV.
class TextTable {
 public:
  enum class Align { left, right };
  void add_column(std::string header, Align align = Align::left);
  void add_row(std::vector<std::string> cells);
  std::string plain(const std::string& indent = "") const;
  std::string markdown() const;
  std::string csv() const;

 private:
  std::vector<std::string> headers_;
  std::vector<Align> aligns_;
  std::vector<std::vector<std::string>> rows_;
};

// RFC 4180 quoting where needed.
std::string csv_field(const std::string& s);

}  // namespace capflow::cli

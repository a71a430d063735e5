#include "output.hpp"

#include "capflow_report/markdown_text.hpp"
#include "job.hpp"
#include "signal_cleanup.hpp"

#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <cctype>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>

namespace capflow::cli {
namespace {

std::size_t display_width(const std::string& s) {
  std::size_t w = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++w;
  }
  return w;
}

}  // namespace

const char* format_name(Format format) {
  switch (format) {
    case Format::table:
      return "table";
    case Format::json:
      return "json";
    case Format::csv:
      return "csv";
    case Format::md:
      return "md";
    case Format::xlsx:
      return "xlsx";
  }
  return "";
}

namespace {

// The format an output file's extension names; nullopt for an extension that names none
// (the file then gets --format, or the table). "html" is only the report's.
std::optional<std::string> extension_format(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext == ".json") return "json";
  if (ext == ".csv") return "csv";
  if (ext == ".md" || ext == ".markdown") return "md";
  if (ext == ".xlsx") return "xlsx";
  if (ext == ".html" || ext == ".htm") return "html";
  if (ext == ".txt") return "table";
  return std::nullopt;
}

}  // namespace

void add_output_options(CLI::App& app, OutputOptions& options, std::vector<Format> formats) {
  std::vector<std::string> names;
  for (Format f : formats) names.push_back(format_name(f));
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  app.add_option_function<std::string>(
         "--format",
         [&options, formats](const std::string& f) {
           for (Format x : formats) {
             if (f == format_name(x)) options.format = x;
           }
           options.format_given = true;
         },
         "Output format: " + list + " (default: from -o's extension, else table)")
      ->type_name("FORMAT")
      ->check(CLI::IsMember(names));
  app.add_option("-o,--output", options.output_path,
                 "Write to FILE (atomically: complete or not at all) instead of stdout; "
                 "F.json, F.csv, F.md, F.xlsx choose the format")
      ->type_name("FILE");
  const std::string command = app.get_name();
  app.callback([&options, formats, names, list, command] {
    const auto named = options.output_path.empty() || options.output_path == "-"
                           ? std::nullopt
                           : extension_format(options.output_path);
    if (named) {
      if (options.format_given && *named != format_name(options.format)) {
        throw CLI::ValidationError("capflow " + command + ": -o " + options.output_path +
                                   " names the " + *named + " format, --format says " +
                                   format_name(options.format) +
                                   "; drop one of them or make them agree");
      }
      if (std::find(names.begin(), names.end(), *named) == names.end()) {
        throw CLI::ValidationError("capflow " + command + ": -o " + options.output_path +
                                   ": capflow " + command + " does not write " + *named +
                                   "; it writes " + list);
      }
      for (Format x : formats) {
        if (*named == format_name(x)) options.format = x;
      }
    }
    if (options.format == Format::xlsx && options.output_path.empty() && isatty(STDOUT_FILENO)) {
      throw CLI::ValidationError("capflow " + command +
                                 ": --format xlsx writes a binary workbook: give -o FILE.xlsx");
    }
  });
}

namespace {

// The files the command reads (add_input_files), by device and inode: -o must not
// replace one of them, whatever path names it.
std::vector<std::pair<dev_t, ino_t>>& input_files() {
  static std::vector<std::pair<dev_t, ino_t>> files;
  return files;
}

const char* kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

}  // namespace

void add_input_files(const std::vector<std::string>& paths) {
  for (const auto& p : paths) {
    struct stat st {};
    if (::stat(p.c_str(), &st) == 0) input_files().emplace_back(st.st_dev, st.st_ino);
  }
}

std::optional<std::string> emit(const std::string& text, const std::string& path) {
  // In an MPI job every rank ends with the same text; rank 0 alone writes it.
  if (!job::is_root()) return std::nullopt;
  // A job that failed on another rank writes nothing, as a process that failed would.
  if (!job::others_succeeded()) job::end_after_others_failed();
  if (path.empty() || path == "-") {
    std::cout << text << std::flush;
    return std::nullopt;
  }
  const std::string cannot = "cannot write \"" + path + "\": ";
  // A symbolic link is written through: its target is replaced, the link stays.
  std::string target = path;
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
    char* real = ::realpath(path.c_str(), nullptr);
    if (real == nullptr) return cannot + "it is a symbolic link to a missing file";
    target = real;
    std::free(real);
  }
  mode_t mode = 0;
  if (::stat(target.c_str(), &st) == 0) {
    if (!S_ISREG(st.st_mode))
      return cannot + "it is " + kind_of(st.st_mode) + "; -o writes regular files only";
    for (const auto& [dev, ino] : input_files()) {
      if (st.st_dev == dev && st.st_ino == ino)
        return cannot + "it is an input of this command; give -o another file";
    }
    // Replacing the file by rename would silently split it from its other names.
    if (st.st_nlink > 1) return cannot + "it has other hard links, which replacing it would break";
    mode = st.st_mode & 07777;  // an existing file keeps its permissions
  } else {
    const mode_t mask = ::umask(0);
    ::umask(mask);
    mode = 0666 & ~mask;  // the mode a plain create would give
  }
  namespace fs = std::filesystem;
  const fs::path target_path(target);
  const fs::path dir =
      target_path.parent_path().empty() ? fs::path(".") : target_path.parent_path();
  std::string tmpl = (dir / ("." + target_path.filename().string() + ".tmp.XXXXXX")).string();
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  // The temporary is registered for removal before a signal can end the process.
  int fd = -1;
  std::unique_ptr<RemoveOnSignal> guard;
  {
    const DeferSignals defer;
    fd = mkstemp(name.data());
    if (fd < 0) return cannot + std::strerror(errno);
    guard = std::make_unique<RemoveOnSignal>(name.data());
  }
  test_stop_point("output-temp");
  auto fail = [&](bool close_fd) {
    const std::string why = std::strerror(errno);
    if (close_fd) ::close(fd);
    ::unlink(name.data());
    return cannot + why;
  };
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(true);
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fchmod(fd, mode) != 0) return fail(true);
  if (::fsync(fd) != 0) return fail(true);
  if (::close(fd) != 0) return fail(false);
  if (std::rename(name.data(), target.c_str()) != 0) return fail(false);
  return std::nullopt;
}

void TextTable::add_column(std::string header, Align align) {
  headers_.push_back(std::move(header));
  aligns_.push_back(align);
}

void TextTable::add_row(std::vector<std::string> cells) {
  cells.resize(headers_.size());
  rows_.push_back(std::move(cells));
}

std::string TextTable::plain(const std::string& indent) const {
  std::vector<std::size_t> width(headers_.size());
  for (std::size_t c = 0; c < headers_.size(); ++c) {
    width[c] = display_width(headers_[c]);
    for (const auto& r : rows_) width[c] = std::max(width[c], display_width(r[c]));
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out = indent;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      std::string pad(width[c] - display_width(cells[c]), ' ');
      if (c > 0) out += "  ";
      out += aligns_[c] == Align::right ? pad + cells[c] : cells[c] + pad;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::string out = line(headers_);
  for (const auto& r : rows_) out += line(r);
  return out;
}

std::string TextTable::markdown() const {
  // Names in cells come from the scenario: printed as text (capflow_report/markdown_text).
  auto escape = [](const std::string& s) { return markdown_text(s, /*cell=*/true); };
  std::string out = "|";
  for (const auto& h : headers_) out += " " + escape(h) + " |";
  out += "\n|";
  for (auto a : aligns_) out += a == Align::right ? " ---: |" : " --- |";
  out += "\n";
  for (const auto& r : rows_) {
    out += "|";
    for (const auto& cell : r) out += " " + escape(cell) + " |";
    out += "\n";
  }
  return out;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string TextTable::csv() const {
  auto line = [](const std::vector<std::string>& cells) {
    std::string out;
    for (std::size_t c = 0; c < cells.size(); ++c) out += (c ? "," : "") + csv_field(cells[c]);
    return out + "\n";
  };
  std::string out = line(headers_);
  for (const auto& r : rows_) out += line(r);
  return out;
}

}  // namespace capflow::cli

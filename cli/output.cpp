#include "output.hpp"

#include "job.hpp"

#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

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

void add_output_options(CLI::App& app, OutputOptions& options) {
  const std::map<std::string, Format> formats{
      {"table", Format::table}, {"json", Format::json}, {"csv", Format::csv}, {"md", Format::md}};
  app.add_option_function<std::string>(
         "--format", [&options, formats](const std::string& f) { options.format = formats.at(f); },
         "Output format: table (default), json, csv, md")
      ->type_name("FORMAT")
      ->check(CLI::IsMember({"table", "json", "csv", "md"}));
  app.add_option("-o,--output", options.output_path,
                 "Write to FILE (atomically: complete or not at all) instead of stdout")
      ->type_name("FILE");
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
  namespace fs = std::filesystem;
  fs::path target(path);
  fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  std::string tmpl = (dir / ("." + target.filename().string() + ".tmp.XXXXXX")).string();
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  int fd = mkstemp(name.data());
  if (fd < 0) return "cannot write \"" + path + "\": " + std::strerror(errno);
  std::size_t written = 0;
  while (written < text.size()) {
    ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0) {
      std::string why = std::strerror(errno);
      ::close(fd);
      ::unlink(name.data());
      return "cannot write \"" + path + "\": " + why;
    }
    written += static_cast<std::size_t>(n);
  }
  // mkstemp creates 0600; give the file the mode a plain create would have.
  mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd, 0666 & ~mask);
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    std::string why = std::strerror(errno);
    ::unlink(name.data());
    return "cannot write \"" + path + "\": " + why;
  }
  if (std::rename(name.data(), path.c_str()) != 0) {
    std::string why = std::strerror(errno);
    ::unlink(name.data());
    return "cannot write \"" + path + "\": " + why;
  }
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
  auto escape = [](const std::string& s) {
    std::string o;
    for (char ch : s) {
      if (ch == '|') o += '\\';
      o += ch;
    }
    return o;
  };
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

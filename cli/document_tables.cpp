#include "document_tables.hpp"

#include <xlsxwriter.h>

#include <unistd.h>
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "output.hpp"

namespace capflow::cli {
namespace {

using ojson = nlohmann::ordered_json;
using Cells = std::vector<std::pair<std::string, ojson>>;

bool is_scalar(const ojson& v) {
  return !v.is_object() && !v.is_array();
}

// An object whose values are all objects (holders by id), or an array of objects (years):
// a table of its own.
bool is_rows(const ojson& v) {
  if (v.empty() || (!v.is_object() && !v.is_array())) return false;
  for (const auto& x : v) {
    if (!x.is_object()) return false;
  }
  return true;
}

// Appends (path, value) for every scalar under v; an empty container keeps its JSON text.
void flatten(const ojson& v, const std::string& path, Cells& out) {
  if (is_scalar(v) || v.empty()) {
    out.emplace_back(path, is_scalar(v) ? v : ojson(v.dump()));
    return;
  }
  std::size_t i = 0;
  for (const auto& [k, x] : v.items()) {
    const std::string key = v.is_object() ? k : std::to_string(i++);
    flatten(x, path.empty() ? key : path + "." + key, out);
  }
}

// Rows whose columns are collected in order of first appearance.
class Tables {
 public:
  void add(const std::string& table, const Cells& cells) {
    DocumentTable& t = find(table);
    std::vector<ojson> row(t.columns.size());
    for (const auto& [col, v] : cells) {
      std::size_t c = 0;
      while (c < t.columns.size() && t.columns[c] != col) ++c;
      if (c == t.columns.size()) {
        t.columns.push_back(col);
        row.resize(t.columns.size());
      }
      row[c] = v;
    }
    t.rows.push_back(std::move(row));
  }
  std::vector<DocumentTable> take() {
    for (auto& t : tables_) {
      for (auto& r : t.rows) r.resize(t.columns.size());
    }
    return std::move(tables_);
  }

 private:
  DocumentTable& find(const std::string& name) {
    for (auto& t : tables_) {
      if (t.name == name) return t;
    }
    tables_.push_back(DocumentTable{name, {}, {}});
    return tables_.back();
  }
  std::vector<DocumentTable> tables_;
};

// The rows of table from v (is_rows(v)); fields that are rows themselves go to
// "TABLE.FIELD", each row led by its parent row's first cell.
void add_rows(const ojson& v, const std::string& table, const Cells& lead, Tables& out) {
  for (const auto& [id, obj] : v.items()) {
    Cells row = lead;
    if (v.is_object()) row.emplace_back("id", id);
    std::vector<std::pair<std::string, const ojson*>> nested;
    for (const auto& [k, x] : obj.items()) {
      if (is_rows(x)) {
        nested.emplace_back(k, &x);
      } else {
        flatten(x, k, row);
      }
    }
    out.add(table, row);
    const Cells key = row.size() > lead.size() ? Cells{row[lead.size()]} : Cells{};
    for (const auto& [k, x] : nested) add_rows(*x, table + "." + k, key, out);
  }
}

}  // namespace

std::vector<DocumentTable> document_tables(const ojson& doc) {
  Tables out;
  if (doc.contains("meta") && doc.at("meta").is_object()) {
    Cells cells;
    flatten(doc.at("meta"), "", cells);
    for (const auto& [k, v] : cells) out.add("meta", {{"key", k}, {"value", v}});
  }
  for (const auto& [k, v] : doc.items()) {
    if (k == "meta" || k == "accumulators") continue;
    if (is_rows(v)) {
      add_rows(v, k, {}, out);
      continue;
    }
    // Scalars and mixed objects (a run's company figures): one key, value row each.
    Cells cells;
    flatten(v, k, cells);
    for (const auto& [key, x] : cells) out.add("summary", {{"key", key}, {"value", x}});
  }
  return out.take();
}

namespace {

std::string cell_text(const ojson& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

}  // namespace

std::string tables_csv(const std::vector<DocumentTable>& tables) {
  std::string out;
  for (const auto& t : tables) {
    if (!out.empty()) out += "\n";
    out += "#table," + csv_field(t.name) + "\n";
    auto line = [&out](const auto& cells, auto text) {
      for (std::size_t c = 0; c < cells.size(); ++c)
        out += (c ? "," : "") + csv_field(text(cells[c]));
      out += "\n";
    };
    line(t.columns, [](const std::string& s) { return s; });
    for (const auto& r : t.rows) line(r, cell_text);
  }
  return out;
}

namespace {

// Money in a document is exact cents as text: "-1234.56".
bool is_cents(const std::string& s) {
  static const std::regex cents(R"(-?\d+\.\d\d)");
  return std::regex_match(s, cents);
}
bool is_decimal(const std::string& s) {
  static const std::regex decimal(R"(-?\d+(\.\d+)?)");
  return std::regex_match(s, decimal);
}

// Probabilities, shares and rates read as percentages; the key's last part says which.
bool is_percent_column(const std::string& column) {
  const auto dot = column.rfind('.');
  const std::string last = dot == std::string::npos ? column : column.substr(dot + 1);
  return last.starts_with("p_") || last.find("share") != std::string::npos || last == "irr" ||
         last.find("rate") != std::string::npos || last == "implied_stake";
}

// Counts and identifiers among the numbers: never shown as money.
bool is_count_column(const std::string& column) {
  const auto dot = column.rfind('.');
  const std::string last = dot == std::string::npos ? column : column.substr(dot + 1);
  return last == "n" || last == "seed" || last == "paths" || last == "first_path" ||
         last == "total_paths" || last == "threads" || last == "index" || last == "steps" ||
         last.find("year") != std::string::npos ||
         (!last.empty() && std::isdigit(static_cast<unsigned char>(last[0])));
}

// Excel's sheet names: at most 31 characters, none of []:*?/\ .
std::string sheet_name(const std::string& name, std::vector<std::string>& used) {
  std::string s;
  for (char c : name) s += std::strchr("[]:*?/\\", c) ? '_' : c;
  if (s.size() > 31) s = s.substr(0, 31);
  for (int k = 2; std::find(used.begin(), used.end(), s) != used.end(); ++k) {
    const std::string suffix = "~" + std::to_string(k);
    s = s.substr(0, std::min(s.size(), 31 - suffix.size())) + suffix;
  }
  used.push_back(s);
  return s;
}

}  // namespace

std::string tables_xlsx(const std::vector<DocumentTable>& tables) {
  // libxlsxwriter 1.1.4 (Debian 12/13) writes only to a file: a private temporary one,
  // read back so that emit() writes the destination atomically like every other format.
  const char* tmpdir = std::getenv("TMPDIR");
  std::string tmpl = std::string(tmpdir && *tmpdir ? tmpdir : "/tmp") + "/capflow-xlsx.XXXXXX";
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  const int fd = mkstemp(name.data());
  if (fd < 0)
    throw std::runtime_error(std::string("cannot create a temporary file: ") +
                             std::strerror(errno));
  ::close(fd);
  const std::string path(name.data());
  struct Unlink {
    std::string path;
    ~Unlink() { ::unlink(path.c_str()); }
  } unlink_later{path};

  lxw_workbook_options options{};
  options.constant_memory = LXW_FALSE;
  options.tmpdir = nullptr;
  lxw_workbook* wb = workbook_new_opt(path.c_str(), &options);
  if (!wb) throw std::runtime_error("cannot start the workbook");
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  lxw_format* money = workbook_add_format(wb);
  format_set_num_format(money, "#,##0.00");
  lxw_format* percent = workbook_add_format(wb);
  format_set_num_format(percent, "0.00%");
  std::vector<std::string> used;
  for (const auto& t : tables) {
    lxw_worksheet* ws = workbook_add_worksheet(wb, sheet_name(t.name, used).c_str());
    for (std::size_t c = 0; c < t.columns.size(); ++c) {
      worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), t.columns[c].c_str(), bold);
      worksheet_set_column(
          ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c),
          static_cast<double>(std::clamp<std::size_t>(t.columns[c].size() + 2, 10, 40)), nullptr);
    }
    worksheet_freeze_panes(ws, 1, 0);
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
      const auto row = static_cast<lxw_row_t>(r + 1);
      for (std::size_t c = 0; c < t.rows[r].size(); ++c) {
        const ojson& v = t.rows[r][c];
        const auto col = static_cast<lxw_col_t>(c);
        // A key/value table takes its format from the key.
        const std::string& column = t.columns.size() == 2 && t.columns[0] == "key" && c == 1
                                        ? t.rows[r][0].get<std::string>()
                                        : t.columns[c];
        lxw_format* pct = is_percent_column(column) ? percent : nullptr;
        if (v.is_null()) continue;
        if (v.is_boolean()) {
          worksheet_write_boolean(ws, row, col, v.get<bool>(), nullptr);
        } else if (v.is_number()) {
          // Amounts are the large numbers that are not counts (run results keep money as
          // doubles): shown with thousands separators.
          const double x = v.get<double>();
          lxw_format* f = pct                                                ? pct
                          : std::fabs(x) >= 1000 && !is_count_column(column) ? money
                                                                             : nullptr;
          worksheet_write_number(ws, row, col, x, f);
        } else {
          const std::string s = v.get<std::string>();
          if (is_cents(s) && !pct) {
            worksheet_write_number(ws, row, col, std::strtod(s.c_str(), nullptr), money);
          } else if (is_decimal(s) && column != "key" && column != "id") {
            worksheet_write_number(ws, row, col, std::strtod(s.c_str(), nullptr), pct);
          } else {
            worksheet_write_string(ws, row, col, s.c_str(), nullptr);
          }
        }
      }
    }
  }
  if (workbook_close(wb) != LXW_NO_ERROR) throw std::runtime_error("cannot write the workbook");
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (!in && !in.eof()) throw std::runtime_error("cannot read the workbook back");
  return bytes.str();
}

std::string document_text(const ojson& doc, Format format) {
  if (format == Format::json) return doc.dump(2) + "\n";
  const auto tables = document_tables(doc);
  if (format == Format::xlsx) return tables_xlsx(tables);
  return tables_csv(tables);
}

}  // namespace capflow::cli

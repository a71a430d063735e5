#pragma once
// A capflow JSON document as tables, for the formats that cannot nest (CSV, xlsx): every
// value of the document lands in exactly one cell, so the tables lose nothing the JSON
// has. The layout is generic (it follows the document's shape, not a list of keys), so a
// key the library adds appears in the tables without a change here. docs/cli.md, "CSV
// and Excel", describes it.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "output.hpp"

namespace capflow::cli {

struct DocumentTable {
  std::string name;  // "meta", "summary", a top-level key, or "PARENT.CHILD"
  std::vector<std::string> columns;
  std::vector<std::vector<nlohmann::ordered_json>> rows;  // scalars only; null = empty cell
};

// The tables of doc, in document order: "meta" (key, value) first when doc has a meta
// object; "summary" (key, value) for top-level scalars and objects of scalars; one table
// per array of objects and per object of objects (its keys in an "id" column), nested
// objects flattened into columns named "outer.inner". A field that is itself an object of
// objects (each year's holders) becomes its own table "PARENT.FIELD", whose rows repeat the
// parent row's first column. Exact accumulators ("accumulators") are left out: only
// `capflow merge` reads them, from JSON.
std::vector<DocumentTable> document_tables(const nlohmann::ordered_json& doc);

// The documented multi-table CSV: each table opens with a line "#table,NAME", then its
// header row and rows (RFC 4180); an empty line separates tables. Strings keep their exact text
// (money in exact cents), numbers print as JSON prints them.
std::string tables_csv(const std::vector<DocumentTable>& tables);

// The same tables as an Excel workbook (one sheet per table, header rows frozen, numbers
// as numbers with money and percent formats), as the bytes of the .xlsx file. Throws
// std::runtime_error when the workbook cannot be written.
std::string tables_xlsx(const std::vector<DocumentTable>& tables);

// The document as format writes it: JSON (indented), the CSV tables or the workbook.
// REQUIRES: format is json, csv or xlsx.
std::string document_text(const nlohmann::ordered_json& doc, Format format);

}  // namespace capflow::cli

#pragma once
// A value or the reason there is none: how capflow reports recoverable failures at
// its boundaries (parsing, validation) without exceptions.

#include <string>
#include <utility>
#include <variant>

namespace capflow {

template <class T>
class Result {
 public:
  Result(T value) : state_(std::move(value)) {}  // NOLINT: implicit by design
  static Result failure(std::string why) { return Result(Failure{std::move(why)}); }

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }
  // REQUIRES: ok()
  const T& value() const& { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  // REQUIRES: !ok()
  const std::string& error() const { return std::get<Failure>(state_).why; }

 private:
  struct Failure {
    std::string why;
  };
  explicit Result(Failure f) : state_(std::move(f)) {}
  std::variant<T, Failure> state_;
};

}  // namespace capflow

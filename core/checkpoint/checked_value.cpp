#include "core/checkpoint/checked_value.h"

#include <cmath>

#include "core/checkpoint/checkpoint_error.h"

namespace morphaeus {
namespace {

std::string keyText(const c10::IValue& key) {
  if (key.isString()) return key.toStringRef();
  if (key.isInt()) return std::to_string(key.toInt());
  return "<" + key.tagKind() + " key>";
}

}  // namespace

CheckedValue::CheckedValue(c10::IValue value, std::string file, std::string path)
    : value_(std::move(value)), file_(std::move(file)), path_(std::move(path)) {}

void CheckedValue::fail(const std::string& message) const {
  throw CheckpointError(file_, (path_.empty() ? std::string() : path_ + ": ") + message);
}

std::string CheckedValue::typeName() const {
  if (value_.isNone()) return "None";
  if (value_.isBool()) return "bool";
  if (value_.isInt()) return "int";
  if (value_.isDouble()) return "float";
  if (value_.isString()) return "str";
  if (value_.isTensor()) return "tensor";
  if (value_.isList()) return "list";
  if (value_.isTuple()) return "tuple";
  if (value_.isGenericDict()) return "dict";
  return value_.tagKind();
}

double CheckedValue::number() const {
  if (value_.isDouble()) return value_.toDouble();
  if (value_.isInt()) return static_cast<double>(value_.toInt());
  fail("expected a number, got " + typeName());
}

std::int64_t CheckedValue::integer() const {
  if (value_.isInt()) return value_.toInt();
  double v = 0;
  if (value_.isDouble()) {
    v = value_.toDouble();
  } else if (value_.isTensor() && value_.toTensor().numel() == 1 &&
             !value_.toTensor().is_complex()) {
    v = value_.toTensor().to(at::kCPU).item<double>();  // torch >= 1.12 stores Adam's step so
  } else {
    fail("expected an integer, got " + typeName());
  }
  if (!std::isfinite(v) || v != std::floor(v) || std::abs(v) > 9.0e15)
    fail("expected a whole number, got " + std::to_string(v));
  return static_cast<std::int64_t>(v);
}

bool CheckedValue::boolean() const {
  if (!value_.isBool()) fail("expected True or False, got " + typeName());
  return value_.toBool();
}

std::optional<bool> CheckedValue::optionalBoolean() const {
  if (value_.isNone()) return std::nullopt;
  return boolean();
}

std::string CheckedValue::string() const {
  if (!value_.isString()) fail("expected a string, got " + typeName());
  return value_.toStringRef();
}

at::Tensor CheckedValue::tensor() const {
  if (!value_.isTensor()) fail("expected a tensor, got " + typeName());
  return value_.toTensor();
}

std::vector<CheckedValue> CheckedValue::sequence() const {
  std::vector<CheckedValue> out;
  auto add = [&](const c10::IValue& v) {
    out.emplace_back(v, file_, path_ + "[" + std::to_string(out.size()) + "]");
  };
  if (value_.isList()) {
    for (const auto& v : value_.toListRef()) add(v);
  } else if (value_.isTuple()) {
    for (const auto& v : value_.toTupleRef().elements()) add(v);
  } else {
    fail("expected a list, got " + typeName());
  }
  return out;
}

std::vector<std::pair<c10::IValue, CheckedValue>> CheckedValue::entries() const {
  if (!value_.isGenericDict()) fail("expected a dict, got " + typeName());
  std::vector<std::pair<c10::IValue, CheckedValue>> out;
  for (const auto& e : value_.toGenericDict()) {
    out.emplace_back(e.key(), CheckedValue(e.value(), file_,
                                           (path_.empty() ? "" : path_ + ".") + keyText(e.key())));
  }
  return out;
}

std::optional<CheckedValue> CheckedValue::find(const std::string& key) const {
  if (!value_.isGenericDict()) fail("expected a dict, got " + typeName());
  for (const auto& e : value_.toGenericDict()) {
    if (e.key().isString() && e.key().toStringRef() == key) {
      return CheckedValue(e.value(), file_, (path_.empty() ? "" : path_ + ".") + key);
    }
  }
  return std::nullopt;
}

CheckedValue CheckedValue::at(const std::string& key) const {
  auto v = find(key);
  if (!v) fail("missing key '" + key + "'");
  return *v;
}

}  // namespace morphaeus

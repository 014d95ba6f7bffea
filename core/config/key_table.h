// One declaration per config key: a component's params keys, each in one line beside its options
// struct -- the key, the options field it sets, its range or choices and one doc line -- as
// LibTorch's TORCH_ARG keeps a field, its default and its accessor together. The default is the
// field's value in a default-constructed struct. From the table come the params schema (the
// validator, --dry-run's listing, the docs), the reader (params -> options) and the check that a
// params map leaves every defaulted field at the struct's default (takes_struct_defaults).
//
//   KeyTable<BetaVaeOptions> keys;
//   keys.integer("nc", &BetaVaeOptions::nc).atLeast(1).describe("image channels");
//   keys.boolean("eval_sampling", &BetaVaeOptions::eval_sampling).describe("...");
//   keys.schema().list("input_size", ValueType::Int).require();  // a key read by hand, in finish()
//
// A field is reached by a member pointer, or by a lambda returning a reference (a nested field:
// `[](Options& o) -> double& { return o.perceptual.alfa; }`).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/config/config_node.h"
#include "core/config/schema.h"
#include "core/config/typed_params.h"

namespace morphaeus {

template <class Options>
class KeyTable {
 public:
  using Step = std::function<void(const TypedParams&, Options&)>;

  template <class At>
  Field& integer(const std::string& key, At at) {
    return bind(schema_.integer(key), key, at,
                [](const TypedParams& p, const std::string& k) { return p.getInt(k); });
  }
  template <class At>
  Field& number(const std::string& key, At at) {
    return bind(schema_.number(key), key, at,
                [](const TypedParams& p, const std::string& k) { return p.getDouble(k); });
  }
  template <class At>
  Field& boolean(const std::string& key, At at) {
    return bind(schema_.boolean(key), key, at,
                [](const TypedParams& p, const std::string& k) { return p.getBool(k); });
  }
  // A string field from a fixed set of values.
  template <class At>
  Field& choice(const std::string& key, std::vector<std::string> choices, At at) {
    return bind(schema_.enumeration(key, std::move(choices)), key, at,
                [](const TypedParams& p, const std::string& k) { return p.getString(k); });
  }

  // The schema, to declare a key that is read by hand (lists, maps, components, a key whose
  // default depends on others) in its place among the others; read it in finish().
  Schema& schema() { return schema_; }
  const Schema& schema() const { return schema_; }

  // Runs after the bound keys are read: the keys read by hand and rules across keys (ConfigError
  // through params.error for a combination the schema cannot refuse).
  void finish(Step step) { finish_ = std::move(step); }

  // The options a validated params map sets.
  Options read(const ConfigNode& params) const {
    const TypedParams p(schema_, params);
    Options o{};
    for (const Step& step : readers_) step(p, o);
    if (finish_) finish_(p, o);
    return o;
  }

  // True when read(params) leaves every bound field at the default-constructed struct's value.
  bool takesDefaults(const ConfigNode& params) const {
    const Options built = read(params);
    const Options fresh{};
    for (const auto& same : same_)
      if (!same(built, fresh)) return false;
    return true;
  }

 private:
  template <class At, class Get>
  Field& bind(Field& field, const std::string& key, At at, Get get) {
    Options defaults{};
    using Value = std::decay_t<decltype(std::invoke(at, defaults))>;
    const Value d = std::invoke(at, defaults);
    if constexpr (std::is_same_v<Value, bool>) {
      field.byDefault(d);
    } else if constexpr (std::is_integral_v<Value>) {
      field.byDefault(static_cast<std::int64_t>(d));
    } else if constexpr (std::is_floating_point_v<Value>) {
      field.byDefault(static_cast<double>(d));
    } else {
      field.byDefault(d.c_str());
    }
    readers_.push_back([key, at, get](const TypedParams& p, Options& o) {
      std::invoke(at, o) = static_cast<Value>(get(p, key));
    });
    same_.push_back([at](const Options& a, const Options& b) {
      Options x = a, y = b;  // the accessor may take a non-const reference
      return std::invoke(at, x) == std::invoke(at, y);
    });
    return field;
  }

  Schema schema_;
  std::vector<Step> readers_;
  std::vector<std::function<bool(const Options&, const Options&)>> same_;
  Step finish_;
};

}  // namespace morphaeus

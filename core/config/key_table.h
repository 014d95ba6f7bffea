// One declaration per config key: a component's params keys, each in one line beside its options
// struct -- the key, the options field it sets, its range or choices and one doc line -- as
// LibTorch's TORCH_ARG keeps a field, its default and its accessor together. The default is the
// field's value in a default-constructed struct. From the table come the params schema (the
// validator, the docs), the reader (params -> options) and the check that a params map leaves
// every defaulted field at the struct's default (takes_struct_defaults).
//
//   KeyTable<BetaVaeOptions> keys;
//   keys.integer("nc", &BetaVaeOptions::nc).atLeast(1).describe("image channels");
//   keys.boolean("eval_sampling", &BetaVaeOptions::eval_sampling).describe("...");
//   keys.named("warp", {{"native", WarpMode::Native}, {"grid_sample", WarpMode::GridSample}},
//              &MorphAEusOptions::warp);
//   keys.integers("strides", &AutoencoderOptions::strides).eachAtLeast(1).require();
//   keys.include(autoencoderKeys(), &MorphAEusOptions::autoencoder);  // a sub-struct's keys
//   keys.map("optimizer_params", adamKeys(), &TrainerOptions::adam);  // a nested params map
//   keys.schema().boolean("additional_layer");  // a key read by hand, in finish()
//
// A field is reached by a member pointer, or by a lambda returning a reference (a nested field:
// `[](Options& o) -> double& { return o.perceptual.alfa; }`). `.require()` drops the default: the
// config must give the key. An std::optional field is set only when the key is given.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/config/config_node.h"
#include "core/config/schema.h"
#include "core/config/typed_params.h"

namespace morphaeus {

namespace key_table_detail {
template <class T>
struct Optional : std::false_type {
  using type = T;
};
template <class T>
struct Optional<std::optional<T>> : std::true_type {
  using type = T;
};
}  // namespace key_table_detail

template <class Options>
class KeyTable {
 public:
  // The type of the field `at` reaches, and the value a key sets in it (T of an std::optional<T>).
  template <class At>
  using StoredOf = std::decay_t<std::invoke_result_t<At, Options&>>;
  template <class At>
  using ValueOf = typename key_table_detail::Optional<StoredOf<At>>::type;

  using Step = std::function<void(const TypedParams&, Options&)>;
  using Same = std::function<bool(const Options&, const Options&)>;

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
  // A field of any type (an enum, a bool) chosen by name: the choices in their order, the default
  // the name of the struct's value.
  template <class At>
  Field& named(const std::string& key, std::vector<std::pair<std::string, ValueOf<At>>> names,
               At at) {
    std::vector<std::string> choices;
    for (const auto& n : names) choices.push_back(n.first);
    Field& field = schema_.enumeration(key, std::move(choices));
    if constexpr (!key_table_detail::Optional<StoredOf<At>>::value) {
      Options defaults{};
      for (const auto& n : names) {
        if (n.second != std::invoke(at, defaults)) continue;
        field.byDefault(n.first.c_str());  // the first name of the default value
        break;
      }
    }
    return bindRead(field, key, at, [names](const TypedParams& p, const std::string& k) {
      const std::string given = p.getString(k);
      for (const auto& n : names)
        if (n.first == given) return n.second;
      return names.front().second;  // unreachable: the schema allows only these names
    });
  }
  // A list of integers (no default: an absent key leaves the field's list).
  template <class At>
  Field& integers(const std::string& key, At at) {
    Field& field = schema_.list(key, ValueType::Int);
    readers_.push_back([key, at](const TypedParams& p, Options& o) {
      if (p.has(key)) std::invoke(at, o) = p.getIntList(key);
    });
    same_.push_back({schema_.fields().size() - 1, [at](const Options& a, const Options& b) {
                       Options x = a, y = b;
                       return std::invoke(at, x) == std::invoke(at, y);
                     }});
    return field;
  }

  // Text keys, set only when given: a string, a path (resolved against the config's folder), a
  // path to an input (the validator checks where it is and resolves it), a list of input paths.
  template <class At>
  Field& string(const std::string& key, At at) {
    return bindText(schema_.string(key), key, at);
  }
  template <class At>
  Field& path(const std::string& key, At at) {
    return bindText(schema_.path(key), key, at);
  }
  template <class At>
  Field& inputPath(const std::string& key, At at) {
    return bindText(schema_.inputPath(key), key, at);
  }
  template <class At>
  Field& inputPaths(const std::string& key, At at) {
    Field& field = schema_.list(key, ValueType::InputPath);
    readers_.push_back([key, at](const TypedParams& p, Options& o) {
      const ConfigNode* given = p.node().find(key);
      if (given != nullptr && !given->isNull()) std::invoke(at, o) = given->asStringList();
    });
    return field;
  }

  // The keys of a sub-struct's table, among these (in their order here).
  template <class Sub, class At>
  void include(const KeyTable<Sub>& sub, At at) {
    const std::size_t offset = schema_.fields().size();
    schema_.append(sub.schema());
    for (const auto& step : sub.steps())
      readers_.push_back(
          [step, at](const TypedParams& p, Options& o) { step(p, std::invoke(at, o)); });
    for (const auto& check : sub.sameChecks()) {
      same_.push_back(
          {offset + check.first, [same = check.second, at](const Options& a, const Options& b) {
             Options x = a, y = b;
             return same(std::invoke(at, x), std::invoke(at, y));
           }});
    }
  }
  // A map of keys under `key`, read by the sub-struct's table into the field `at`; an
  // std::optional field is set only when the map is given (its defaults check: against Sub{}).
  template <class Sub, class At>
  Field& map(const std::string& key, const KeyTable<Sub>& sub, At at) {
    constexpr bool optional = key_table_detail::Optional<StoredOf<At>>::value;
    Field& field = schema_.map(key, sub.schema());
    readers_.push_back([key, sub, at](const TypedParams& p, Options& o) {
      const ConfigNode* given = p.node().find(key);
      if (given != nullptr && given->isMap()) {
        std::invoke(at, o) = sub.read(*given);
      } else if constexpr (!optional) {
        std::invoke(at, o) =
            sub.read(ConfigNode::map(p.node().where(), p.node().path() + "." + key));
      }
    });
    same_.push_back({kEveryTime, [sub, at](const Options& a, const Options& b) {
                       Options x = a, y = b;
                       if constexpr (optional) {
                         return sub.sameDefaults(std::invoke(at, x).value_or(Sub{}),
                                                 std::invoke(at, y).value_or(Sub{}));
                       } else {
                         return sub.sameDefaults(std::invoke(at, x), std::invoke(at, y));
                       }
                     }});
    return field;
  }

  // The schema, to declare a key that is read by hand (a component, a key whose default depends
  // on others) in its place among the others; read it in finish().
  Schema& schema() { return schema_; }
  const Schema& schema() const { return schema_; }

  // Runs after the keys declared so far are read: keys read by hand and rules across keys
  // (ConfigError through params.error for a combination the schema cannot refuse).
  void finish(Step step) { readers_.push_back(std::move(step)); }

  // The options a validated params map sets.
  Options read(const ConfigNode& params) const {
    const TypedParams p(schema_, params);
    Options o{};
    for (const Step& step : readers_) step(p, o);
    return o;
  }

  // True when read(params) leaves every field whose key has a default (a list: every optional
  // one) at the default-constructed struct's value.
  bool takesDefaults(const ConfigNode& params) const { return sameDefaults(read(params), {}); }

  // Whether a and b agree in every field whose key has a default.
  bool sameDefaults(const Options& a, const Options& b) const {
    for (const auto& [index, same] : same_) {
      if (index != kEveryTime && !defaulted(schema_.fields().at(index))) continue;
      if (!same(a, b)) return false;
    }
    return true;
  }

  const std::vector<Step>& steps() const { return readers_; }
  const std::vector<std::pair<std::size_t, Same>>& sameChecks() const { return same_; }

 private:
  static constexpr std::size_t kEveryTime = static_cast<std::size_t>(-1);

  // A key whose absence leaves the struct's default: a scalar with a default, an optional list.
  static bool defaulted(const Field& f) {
    return f.type == ValueType::List ? !f.required : f.hasDefault();
  }

  template <class At>
  Field& bindText(Field& field, const std::string& key, At at) {
    readers_.push_back([key, at](const TypedParams& p, Options& o) {
      const ConfigNode* given = p.node().find(key);
      if (given != nullptr && !given->isNull()) std::invoke(at, o) = given->asString();
    });
    return field;
  }

  // Binds a scalar key: the struct's default into the schema, the reader, the defaults check.
  template <class At, class Get>
  Field& bind(Field& field, const std::string& key, At at, Get get) {
    using Value = ValueOf<At>;
    if constexpr (!key_table_detail::Optional<StoredOf<At>>::value) {
      Options defaults{};
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
    }
    return bindRead(field, key, at, [get](const TypedParams& p, const std::string& k) {
      return static_cast<Value>(get(p, k));
    });
  }

  // The reader and the defaults check of a key whose default is set (or not) on `field`.
  template <class At, class Get>
  Field& bindRead(Field& field, const std::string& key, At at, Get get) {
    readers_.push_back([key, at, get](const TypedParams& p, Options& o) {
      if constexpr (key_table_detail::Optional<StoredOf<At>>::value) {
        if (!p.has(key) || p.node().at(key).isNull()) return;  // set only when given
      }
      std::invoke(at, o) = get(p, key);
    });
    same_.push_back({schema_.fields().size() - 1, [at](const Options& a, const Options& b) {
                       Options x = a, y = b;  // the accessor may take a non-const reference
                       return std::invoke(at, x) == std::invoke(at, y);
                     }});
    return field;
  }

  Schema schema_;
  std::vector<Step> readers_;
  std::vector<std::pair<std::size_t, Same>> same_;
};

}  // namespace morphaeus

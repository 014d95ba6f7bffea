// ComponentSpec::takes_struct_defaults for a component built from an options struct: `read` is the
// factory's own path from params to the struct, `defaulted` ties the struct's fields that keys
// with a schema default set (std::tie of references). The check is true when the options read
// from `params` equal a default-constructed struct in all of those fields.
#pragma once

#include <functional>

#include "core/config/config_node.h"

namespace morphaeus {

template <class Options, class Read, class Defaulted>
std::function<bool(const ConfigNode&)> takesStructDefaults(Read read, Defaulted defaulted) {
  return [read, defaulted](const ConfigNode& params) {
    const Options built = read(params);
    const Options fresh{};
    return defaulted(built) == defaulted(fresh);
  };
}

}  // namespace morphaeus

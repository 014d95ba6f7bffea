// What the program was doing when an error happened, put in front of the error's own message:
// "evaluating task pneumonia (downstream_tasks.pneumonia at morphaeus.yaml:96:3): <message>".
// A LibTorch error keeps its message (without the C++ backtrace) behind that context.
#pragma once

#include <c10/util/Exception.h>

#include <stdexcept>
#include <string>
#include <utility>

#include "core/config/config_error.h"
#include "core/config/config_node.h"

namespace morphaeus {

// An error with its context; what() is the whole line.
class ContextError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An error's message: what() as it is, but a LibTorch error's first line only, without its C++
// backtrace.
inline std::string errorMessage(const std::exception& e) {
  const auto* torch_error = dynamic_cast<const c10::Error*>(&e);
  if (torch_error == nullptr) return e.what();
  const std::string message = torch_error->what_without_backtrace();
  return message.substr(0, message.find('\n'));
}

// "what (key.path at file:line:col)": a step of the run named with the config key it concerns.
inline std::string doingWith(const std::string& what, const ConfigNode& node) {
  return what + " (" + (node.path().empty() ? std::string("the configuration") : node.path()) +
         " at " + node.where().str() + ")";
}

// Runs f(); any error that does not yet say where it comes from is rethrown as a ContextError
// prefixed with `doing`. Configuration errors (already located) and errors that already carry a
// context (the innermost one is the most precise) pass through unchanged.
template <class F>
decltype(auto) inContext(const std::string& doing, F&& f) {
  try {
    return std::forward<F>(f)();
  } catch (const ConfigError&) {
    throw;
  } catch (const ConfigErrors&) {
    throw;
  } catch (const ContextError&) {
    throw;
  } catch (const std::exception& e) {
    throw ContextError(doing + ": " + errorMessage(e));
  }
}

}  // namespace morphaeus

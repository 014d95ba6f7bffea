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
  } catch (const c10::Error& e) {
    const std::string message = e.what_without_backtrace();
    throw ContextError(doing + ": " + message.substr(0, message.find('\n')));
  } catch (const std::exception& e) {
    throw ContextError(doing + ": " + e.what());
  }
}

}  // namespace morphaeus

#include "core/eval/evaluator.h"

#include "core/distributed/process_group.h"

namespace morphaeus {

bool Evaluator::mainProcess() const {
  return setup_.process_group == nullptr || setup_.process_group->isMain();
}

}  // namespace morphaeus

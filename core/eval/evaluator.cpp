#include "core/eval/evaluator.h"

#include "core/distributed/process_group.h"

namespace morphaeus {

bool Evaluator::mainProcess() const {
  return ProcessGroup::isMainProcess(setup_.process_group);
}

}  // namespace morphaeus

// The learning-rate schedules against PyTorch's schedulers (tests/python/lr_schedule_reference.py)
// over 420 epochs, stepped as upstream steps them (with the validation loss) and per epoch, and
// their state's round trip through a checkpoint; the early-stopping rules of upstream's trainers.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/checkpoint/checked_value.h"
#include "core/checkpoint/checkpoint_error.h"
#include "core/checkpoint/torch_file_reader.h"
#include "core/train/early_stopping.h"
#include "core/train/lr_schedule.h"
#include "tests/step_parity.h"

namespace morphaeus {
namespace {

LrScheduleOptions optionsFor(const std::string& kind, ScheduleStep step) {
  LrScheduleOptions o;
  o.kind = kind;
  o.base_lr = 5e-4;
  o.step = step;
  if (kind == "multistep") {
    o.milestones = {350};
    o.gamma = 0.1;
  }
  return o;
}

TEST(LrSchedule, MatchesPyTorchsSchedulersSteppedWithTheValidationLossOrPerEpoch) {
  const std::string dir = test::makePythonReference("lr_schedule_reference.py");
  const auto ref = readTorchFile(dir + "/schedules.pt").toGenericDict();
  const auto val = ref.at(c10::IValue("val_losses")).toTensor();
  for (const char* kind : {"cosine", "exponential", "plateau", "multistep"}) {
    for (const ScheduleStep step : {ScheduleStep::ValidationLoss, ScheduleStep::Epoch}) {
      const std::string key = std::string(kind) + "/" + scheduleStepName(step);
      SCOPED_TRACE(key);
      const auto expected = ref.at(c10::IValue(key)).toTensor();
      // Resumed halfway from the saved state: the rest must follow the same curve.
      LrSchedule schedule(optionsFor(kind, step)), resumed(optionsFor(kind, step));
      double lr = 5e-4, lr_resumed = 0;
      for (int64_t e = 0; e < val.size(0); ++e) {
        const double v = val[e].item<double>();
        if (const auto next = schedule.next(e, v, lr)) lr = *next;
        if (e == 200) {
          ASSERT_TRUE(resumed.restore(CheckedValue(schedule.state(), "ckpt.pt", "lr_scheduler")));
          lr_resumed = lr;
        } else if (e > 200) {
          if (const auto next = resumed.next(e, v, lr_resumed)) lr_resumed = *next;
          ASSERT_EQ(lr_resumed, lr) << "epoch " << e;
        }
        // PyTorch steps cosine per epoch recursively; the closed form equals it to rounding.
        const double want = expected[e].item<double>();
        ASSERT_NEAR(lr, want, 1e-12 * 5e-4 + 1e-9 * want) << "epoch " << e;
      }
    }
  }
}

TEST(LrSchedule, UpstreamsValidationLossSteppingKeepsTheBaseRate) {
  // Cosine at t = 0.01 (a validation loss) is base * (1 + cos(pi / 10^4)) / 2.
  LrSchedule cosine(optionsFor("cosine", ScheduleStep::ValidationLoss));
  EXPECT_DOUBLE_EQ(*cosine.next(5, 0.01, 5e-4), 5e-4 * (1 + std::cos(M_PI * 0.01 / 100)) / 2);
  EXPECT_FALSE(cosine.next(6, std::nullopt, 5e-4));  // not validated: unchanged
  LrSchedule none(optionsFor("none", ScheduleStep::Epoch));
  EXPECT_FALSE(none.next(3, 0.5, 5e-4));
}

TEST(LrSchedule, StateOfAnotherScheduleIsIgnoredAndBadStatesAreNamed) {
  LrSchedule cosine(optionsFor("cosine", ScheduleStep::ValidationLoss));
  LrSchedule plateau(optionsFor("plateau", ScheduleStep::ValidationLoss));
  EXPECT_FALSE(plateau.restore(CheckedValue(cosine.state(), "c.pt", "lr_scheduler_state")));
  c10::impl::GenericDict bad(c10::StringType::get(), c10::AnyType::get());
  bad.insert("kind", std::string("plateau"));
  bad.insert("step", std::string("val_loss"));
  bad.insert("base_lr", std::string("fast"));
  bad.insert("best", c10::IValue());
  bad.insert("num_bad_epochs", 0);
  try {
    plateau.restore(CheckedValue(bad, "c.pt", "lr_scheduler_state"));
    FAIL() << "no error";
  } catch (const CheckpointError& e) {
    EXPECT_STREQ(e.what(), "c.pt: lr_scheduler_state.base_lr: expected a number, got str");
  }
}

// Upstream's EarlyStopping (core/Trainer.py): the first value sets the best; an improvement by
// more than min_delta resets the counter, anything else counts, `patience` counts stop.
// Called after every validation by most trainers, only after an improvement by the AAE's.
TEST(EarlyStopping, PatienceCountsValidationsWithoutImprovement) {
  EarlyStopping early(3, 1e-8);
  const std::vector<double> losses = {1.0, 0.9, 0.95, 0.95, 0.9, 0.91};
  std::vector<bool> stops;
  for (double v : losses) stops.push_back(early.update(v));
  EXPECT_EQ(stops, (std::vector<bool>{false, false, false, false, true, false}));
  // The AAE trainer calls it only when the loss improved on the best so far: improvements of
  // more than min_delta reset the counter, so it never stops.
  EarlyStopping aae(1, 1e-8);
  double best = 1e9;
  for (int i = 0; i < 50; ++i) {
    const double v = i % 3 == 0 ? 1.0 / (i + 1) : 2.0;
    if (v < best) {
      best = v;
      EXPECT_FALSE(aae.update(v)) << i;
    }
  }
}

}  // namespace
}  // namespace morphaeus

package dev.genie.http.internal.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.http.internal.limits.WorkLimit.Admitted;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class WorkLimitTest {
  private final List<String> started = new ArrayList<>();

  @Test
  void runsUpToTheLimitQueuesUpToItsLengthAndShedsTheRest() {
    WorkLimit limit = new WorkLimit(2, 1);

    assertThat(limit.admit()).isEqualTo(Admitted.RUN);
    assertThat(limit.admit()).isEqualTo(Admitted.RUN);
    assertThat(limit.admit()).isEqualTo(Admitted.QUEUE);
    assertThat(limit.admit()).isEqualTo(Admitted.SHED);
  }

  @Test
  void anEndingHandlerHandsItsSlotToTheOldestQueuedRequest() {
    WorkLimit limit = new WorkLimit(1, 2);
    limit.admit();
    queue(limit, "first");
    queue(limit, "second");
    assertThat(started).isEmpty();
    assertThat(limit.admit()).as("the queue is full").isEqualTo(Admitted.SHED);

    limit.release();
    assertThat(started).containsExactly("first");
    queue(limit, "third"); // the slot went to the queued request: a newcomer queues

    limit.release();
    limit.release();
    assertThat(started).containsExactly("first", "second", "third");
    limit.release();
    assertThat(limit.admit()).as("nothing queued: the slot came free").isEqualTo(Admitted.RUN);
  }

  @Test
  void aSlotFreedBeforeAQueuedRequestIsInTheQueueRunsItAtOnce() {
    WorkLimit limit = new WorkLimit(1, 1);
    limit.admit();
    assertThat(limit.admit()).isEqualTo(Admitted.QUEUE);

    limit.release(); // the queue is still empty: the slot comes free
    limit.enqueue(() -> started.add("late"));

    assertThat(started).containsExactly("late");
    assertThat(limit.admit()).as("its place in the queue is free again").isEqualTo(Admitted.QUEUE);
  }

  @Test
  void aShedRequestHoldsNothing() {
    WorkLimit limit = new WorkLimit(1, 0);
    limit.admit();
    assertThat(limit.admit()).isEqualTo(Admitted.SHED);

    limit.release();

    assertThat(limit.admit()).isEqualTo(Admitted.RUN);
  }

  private void queue(WorkLimit limit, String name) {
    assertThat(limit.admit()).isEqualTo(Admitted.QUEUE);
    limit.enqueue(() -> started.add(name));
  }
}

package dev.genie.persistence.sql.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genie.persistence.StoreUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class GroupCommitTest {
  private final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());
  private final List<Integer> sizes = Collections.synchronizedList(new ArrayList<>());
  private final CountDownLatch firstBatchMayEnd = new CountDownLatch(1);
  private final ExecutorService callers = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    callers.shutdownNow();
  }

  @Test
  void aLoneRequestRunsAtOnceOnItsCallersThreadAsABatchOfOne() {
    Thread caller = Thread.currentThread();
    GroupCommit<String, String> group =
        group(
            64,
            batch -> {
              assertThat(Thread.currentThread()).isSameAs(caller);
              answerUpperCase(batch);
            });

    assertThat(group.submit("a")).isEqualTo("A");
    assertThat(group.submit("b")).isEqualTo("B");
    assertThat(sizes).containsExactly(1, 1);
  }

  @Test
  void requestsThatArriveWhileABatchIsInFlightGoTogetherInTheNext() throws Exception {
    GroupCommit<String, String> group = group(64, holdingTheFirstBatch());
    Future<String> first = callers.submit(() -> group.submit("first"));
    awaitBatches(1);
    Map<String, Future<String>> later = new LinkedHashMap<>();
    for (String request : List.of("b", "c", "d", "e")) {
      later.put(request, callers.submit(() -> group.submit(request)));
    }
    awaitQueued(group, 4);

    firstBatchMayEnd.countDown();

    assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("FIRST");
    for (Map.Entry<String, Future<String>> answer : later.entrySet()) {
      assertThat(answer.getValue().get(5, TimeUnit.SECONDS))
          .as("the answer to the caller of %s", answer.getKey())
          .isEqualTo(answer.getKey().toUpperCase());
    }
    assertThat(sizes).containsExactly(1, 4);
    assertThat(batches.get(1)).containsExactlyInAnyOrder("b", "c", "d", "e");
  }

  @Test
  void withTwoBatchesInFlightASecondRequestLeadsAtOnceAndTheNextOnesWait() throws Exception {
    CountDownLatch mayEnd = new CountDownLatch(1);
    GroupCommit<String, String> group =
        new GroupCommit<>(
            64,
            2,
            batch -> {
              batches.add(batch.stream().map(GroupCommit.Entry::request).toList());
              await(mayEnd);
              answerUpperCase(batch);
            },
            sizes::add,
            request -> Deadline.after(Duration.ofMinutes(1), "a minute"),
            request -> new IllegalStateException("queued too long: " + request));
    List<Future<String>> answers = new ArrayList<>();
    answers.add(callers.submit(() -> group.submit("a")));
    awaitBatches(1);
    answers.add(callers.submit(() -> group.submit("b")));
    awaitBatches(2);
    answers.add(callers.submit(() -> group.submit("c")));
    answers.add(callers.submit(() -> group.submit("d")));
    awaitQueued(group, 2);

    mayEnd.countDown();

    List<String> answered = new ArrayList<>();
    for (Future<String> answer : answers) {
      answered.add(answer.get(5, TimeUnit.SECONDS));
    }
    assertThat(answered).containsExactly("A", "B", "C", "D");
    assertThat(sizes.subList(0, 2)).containsExactly(1, 1);
    assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(4);
    assertThat(group.queued()).isZero();
  }

  @Test
  void aBatchTakesNoMoreThanItsBound() throws Exception {
    GroupCommit<String, String> group = group(2, holdingTheFirstBatch());
    Future<String> first = callers.submit(() -> group.submit("first"));
    awaitBatches(1);
    Map<String, Future<String>> later = new LinkedHashMap<>();
    for (String request : List.of("b", "c", "d", "e", "f")) {
      later.put(request, callers.submit(() -> group.submit(request)));
    }
    awaitQueued(group, 5);

    firstBatchMayEnd.countDown();

    assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("FIRST");
    for (Map.Entry<String, Future<String>> answer : later.entrySet()) {
      assertThat(answer.getValue().get(5, TimeUnit.SECONDS))
          .as("the answer to the caller of %s", answer.getKey())
          .isEqualTo(answer.getKey().toUpperCase());
    }
    assertThat(sizes).containsExactly(1, 2, 2, 1);
  }

  @Test
  void aFailedBatchFailsEveryRequestInItWithItsFailureAndTheNextBatchRuns() throws Exception {
    StoreUnavailableException down = new StoreUnavailableException("could not claim: down");
    GroupCommit<String, String> group =
        group(
            64,
            batch -> {
              boolean isFirst = batches.isEmpty();
              batches.add(batch.stream().map(GroupCommit.Entry::request).toList());
              if (isFirst) {
                await(firstBatchMayEnd);
                answerUpperCase(batch);
              } else if (batches.size() == 2) {
                throw down;
              } else {
                answerUpperCase(batch);
              }
            });
    Future<String> first = callers.submit(() -> group.submit("first"));
    awaitBatches(1);
    Future<String> b = callers.submit(() -> group.submit("b"));
    Future<String> c = callers.submit(() -> group.submit("c"));
    awaitQueued(group, 2);

    firstBatchMayEnd.countDown();

    assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("FIRST");
    for (Future<String> failed : List.of(b, c)) {
      assertThatThrownBy(() -> failed.get(5, TimeUnit.SECONDS)).hasCause(down);
    }
    assertThat(group.submit("after")).isEqualTo("AFTER");
  }

  @Test
  void aRequestSettledAloneKeepsItsOwnAnswerOrFailure() {
    GroupCommit<String, String> group =
        group(
            64,
            batch -> {
              for (GroupCommit.Entry<String, String> entry : batch) {
                entry.settle(
                    () -> {
                      if (entry.request().equals("stale")) {
                        throw new IllegalArgumentException("refused: " + entry.request());
                      }
                      return entry.request().toUpperCase();
                    });
              }
            });

    assertThatThrownBy(() -> group.submit("stale")).hasMessage("refused: stale");
    assertThat(group.submit("fresh")).isEqualTo("FRESH");
  }

  @Test
  void aRequestTheRunnerLeftUnansweredFailsAsABug() {
    GroupCommit<String, String> group = group(64, batch -> {});

    assertThatThrownBy(() -> group.submit("forgotten"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("bug");
  }

  @Test
  void aRequestThatNoBatchTakesInTimeLeavesTheQueueAndTheNextStillGoes() throws Exception {
    GroupCommit<String, String> group =
        new GroupCommit<>(
            64,
            1,
            holdingTheFirstBatch(),
            sizes::add,
            request -> Deadline.after(Duration.ofMillis(50), "fifty milliseconds"),
            request -> new StoreUnavailableException("waited too long: " + request));
    Future<String> stuck = callers.submit(() -> group.submit("stuck"));
    awaitBatches(1);

    assertThatThrownBy(() -> group.submit("behind"))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessage("waited too long: behind");
    assertThat(group.queued()).isZero();

    firstBatchMayEnd.countDown();
    assertThat(stuck.get(5, TimeUnit.SECONDS)).isEqualTo("STUCK");
    assertThat(group.submit("next")).isEqualTo("NEXT");
    assertThat(sizes).containsExactly(1, 1);
  }

  private GroupCommit<String, String> group(
      int maxBatch, Consumer<List<GroupCommit.Entry<String, String>>> runner) {
    return new GroupCommit<>(
        maxBatch,
        1,
        runner,
        sizes::add,
        request -> Deadline.after(Duration.ofMinutes(1), "a minute"),
        request -> new IllegalStateException("queued too long: " + request));
  }

  /** Answers each request with its upper case; holds the first batch until told. */
  private Consumer<List<GroupCommit.Entry<String, String>>> holdingTheFirstBatch() {
    return batch -> {
      boolean isFirst = batches.isEmpty();
      batches.add(batch.stream().map(GroupCommit.Entry::request).toList());
      if (isFirst) {
        await(firstBatchMayEnd);
      }
      answerUpperCase(batch);
    };
  }

  private static void answerUpperCase(List<GroupCommit.Entry<String, String>> batch) {
    for (GroupCommit.Entry<String, String> entry : batch) {
      entry.succeed(entry.request().toUpperCase());
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void awaitBatches(int count) throws InterruptedException {
    while (batches.size() < count) {
      Thread.sleep(1);
    }
  }

  private static void awaitQueued(GroupCommit<?, ?> group, int count) throws InterruptedException {
    while (group.queued() < count) {
      Thread.sleep(1);
    }
  }
}

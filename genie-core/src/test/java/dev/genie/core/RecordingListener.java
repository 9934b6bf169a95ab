package dev.genie.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Remembers what the orchestrator reported, in order. */
final class RecordingListener implements OrchestratorListener {
  final List<String> events = new CopyOnWriteArrayList<>();

  @Override
  public void claimWon() {
    events.add("claimWon");
  }

  @Override
  public void claimLost() {
    events.add("claimLost");
  }

  @Override
  public void tookOver() {
    events.add("tookOver");
  }

  @Override
  public void swept(int taken) {
    if (taken > 0) {
      events.add("swept:" + taken);
    }
  }

  @Override
  public void waited(Duration duration, boolean settled) {
    events.add(settled ? "waited:settled" : "waited:pending");
  }

  @Override
  public void generated(GenerationOutcome outcome, Duration duration) {
    events.add("generated:" + outcome);
  }
}

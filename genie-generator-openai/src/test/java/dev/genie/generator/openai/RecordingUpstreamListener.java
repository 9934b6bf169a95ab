package dev.genie.generator.openai;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Remembers each upstream call as {@code "outcome status"}, and the tokens reported, in order. */
final class RecordingUpstreamListener implements UpstreamListener {
  final List<String> calls = new CopyOnWriteArrayList<>();
  final List<Long> tokens = new CopyOnWriteArrayList<>();

  @Override
  public void called(String outcome, int status, Duration duration) {
    calls.add(outcome + " " + status);
  }

  @Override
  public void tokens(long promptTokens, long completionTokens) {
    tokens.add(promptTokens);
    tokens.add(completionTokens);
  }
}

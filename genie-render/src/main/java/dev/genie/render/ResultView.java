package dev.genie.render;

import dev.genie.core.chat.ChatCompletion;
import dev.genie.core.chat.ChatItem;
import dev.genie.core.chat.ChatRequest;
import dev.genie.core.envelope.Envelope;
import dev.genie.core.envelope.EnvelopeCodec;
import dev.genie.core.generate.Block;
import dev.genie.core.generate.Page;
import dev.genie.persistence.Result;
import dev.genie.persistence.ResultStatus;
import dev.genie.persistence.StoredPrompt;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the renderers show of one prompt: its ids, its text, its status, and the envelope once
 * completed or the error once failed.
 *
 * @param envelope present when {@code status} is completed
 * @param error present when {@code status} is failed
 */
public record ResultView(
    String promptId,
    String resultId,
    ResultStatus status,
    String prompt,
    Instant created,
    Optional<Envelope> envelope,
    Optional<String> error) {

  public ResultView {
    Objects.requireNonNull(promptId, "promptId");
    Objects.requireNonNull(resultId, "resultId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(prompt, "prompt");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(envelope, "envelope");
    Objects.requireNonNull(error, "error");
    if ((status == ResultStatus.COMPLETED) != envelope.isPresent()) {
      throw new IllegalArgumentException(
          "a result has an envelope exactly when it is completed; this one is " + status);
    }
  }

  /**
   * The view of a prompt as a store returns it. A chat completion request is shown by its last user
   * message, and its completion as one page of the answer's paragraphs.
   */
  public static ResultView of(StoredPrompt stored) {
    Result result = stored.result();
    boolean chat = ChatRequest.isChat(stored.prompt());
    Optional<Envelope> envelope = Optional.empty();
    if (result.status() == ResultStatus.COMPLETED) {
      envelope =
          Optional.of(chat ? completionAsEnvelope(stored) : EnvelopeCodec.read(result.envelope()));
    }
    return new ResultView(
        stored.prompt().id(),
        result.id(),
        result.status(),
        chat ? ChatItem.of(stored.prompt()).title() : stored.prompt().rawText(),
        stored.prompt().createdAt(),
        envelope,
        Optional.ofNullable(result.error()));
  }

  private static Envelope completionAsEnvelope(StoredPrompt stored) {
    ChatCompletion completion = ChatCompletion.parse(stored.result().envelope());
    String title = ChatItem.of(stored.prompt()).title();
    List<Block> blocks = new ArrayList<>();
    String content = completion.content() == null ? "" : completion.content();
    for (String paragraph : content.strip().split("\\n\\s*\\n")) {
      if (!paragraph.isBlank()) {
        blocks.add(Block.text(paragraph.strip()));
      }
    }
    if (blocks.isEmpty()) {
      blocks.add(Block.text("(The completion holds no text: a tool call, or a refusal.)"));
    }
    return new Envelope(
        List.of(new Page("p1", title.isBlank() ? "Chat completion" : title, blocks)),
        completion.model(),
        completion.created() != null ? completion.created() : stored.result().completedAt(),
        completion.finishReason(),
        completion.usage());
  }

  /** The first page's title, else the prompt: what the page and the PDF are called. */
  public String title() {
    return envelope
        .flatMap(e -> e.pages().stream().findFirst())
        .map(Page::title)
        .filter(title -> !title.isBlank())
        .orElse(prompt);
  }
}

package dev.genie.core.chat;

import dev.genie.core.CoreErrorCode;
import dev.genie.core.InvalidPromptException;
import dev.genie.core.generate.GenerationProfile;
import dev.genie.core.internal.CanonicalJson;
import dev.genie.persistence.NewPrompt;
import dev.genie.persistence.Prompt;
import dev.genie.persistence.PromptKey;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A chat completion request as a caller sent it, and the key that decides which requests are the
 * same request: SHA-256 over the namespace and the canonical JSON (RFC 8785) of every member that
 * can change the answer. Only the members in {@link #LEFT_OUT} are left out; a member Genie does
 * not know is kept. Message text is compared exactly: no prompt normalization on this surface.
 *
 * @param namespace whose request it is
 * @param body the request exactly as sent
 * @param canonical the canonical JSON of the members that can change the answer
 * @param key the request key
 * @param model the model asked for
 * @param stream whether the caller asked for server-sent events
 * @param includeUsage whether the caller's {@code stream_options} ask for a usage chunk
 */
public record ChatRequest(
    String namespace,
    String body,
    String canonical,
    String key,
    String model,
    boolean stream,
    boolean includeUsage) {

  /**
   * The members that change how or to whom an answer is delivered, or what the provider keeps or
   * bills, never what the model writes.
   */
  public static final Set<String> LEFT_OUT =
      Set.of(
          "stream",
          "stream_options",
          "user",
          "metadata",
          "store",
          "service_tier",
          "safety_identifier",
          "prompt_cache_key",
          "prompt_cache_retention");

  /**
   * The profile every chat completion is stored under: the endpoint answers the request as it was
   * asked, so the model and every setting are in the request, and thus in the key, not here. A
   * prompt's kind is read from its profile id: no other profile has this one's.
   */
  public static final GenerationProfile PROFILE =
      GenerationProfile.of("openai", "per request", "chat.completion");

  /** The canonical JSON of {@link #PROFILE}. */
  public static final String PROFILE_JSON = PROFILE.json();

  /** {@link PromptKey#sha256Hex} of {@link #PROFILE_JSON}. */
  public static final String PROFILE_ID = PROFILE.id();

  /** The version of the rules that make the canonical JSON: stored as the normalizer version. */
  public static final int KEY_VERSION = 1;

  /**
   * Reads a request body.
   *
   * @throws InvalidPromptException with {@link CoreErrorCode#INVALID_REQUEST} when the body is not
   *     a JSON object, or lacks a {@code model} or a non-empty {@code messages} array
   */
  public static ChatRequest parse(String namespace, String body) {
    Object parsed;
    try {
      parsed = CanonicalJson.parse(body);
    } catch (IllegalArgumentException e) {
      throw invalid(e.getMessage());
    }
    if (!(parsed instanceof Map<?, ?> map)) {
      throw invalid("the body must be a JSON object");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> members = (Map<String, Object>) map;
    if (!(members.get("model") instanceof String model) || model.isEmpty()) {
      throw invalid("'model' must be a non-empty string");
    }
    if (!(members.get("messages") instanceof List<?> messages) || messages.isEmpty()) {
      throw invalid("'messages' must be a non-empty array");
    }
    Object stream = members.getOrDefault("stream", Boolean.FALSE);
    if (!(stream instanceof Boolean streamed)) {
      throw invalid("'stream' must be true or false");
    }
    String canonical = CanonicalJson.writeWithout(members, LEFT_OUT);
    return new ChatRequest(
        namespace,
        body,
        canonical,
        PromptKey.of(namespace, PROFILE_ID, canonical),
        model,
        streamed,
        includeUsage(members.get("stream_options")));
  }

  /**
   * The request as a prompt to store: the canonical JSON as its normalized text, compared on every
   * key hit so that a hash collision cannot merge two requests, and the body as its raw text.
   */
  public NewPrompt prompt() {
    return new NewPrompt(key, body, canonical, KEY_VERSION, PROFILE_ID, PROFILE_JSON, namespace);
  }

  /**
   * The output tokens the request allows over all its choices: {@code max_completion_tokens}, else
   * {@code max_tokens}, times {@code n}; empty when it names neither.
   *
   * @param canonical the request's canonical JSON
   */
  public static OptionalLong outputLimit(String canonical) {
    Map<?, ?> members = members(canonical);
    Object limit = members.get("max_completion_tokens");
    if (!(limit instanceof Number)) {
      limit = members.get("max_tokens");
    }
    if (!(limit instanceof Number number) || number.doubleValue() < 0) {
      return OptionalLong.empty();
    }
    return OptionalLong.of((long) Math.ceil(number.doubleValue()) * choices(members));
  }

  /** The choices the request asks for ({@code n}, 1 when absent). */
  public static long choices(String canonical) {
    return choices(members(canonical));
  }

  private static long choices(Map<?, ?> members) {
    return members.get("n") instanceof Number n && n.doubleValue() >= 1
        ? (long) Math.ceil(n.doubleValue())
        : 1;
  }

  private static Map<?, ?> members(String canonical) {
    try {
      return CanonicalJson.parse(canonical) instanceof Map<?, ?> map ? map : Map.of();
    } catch (IllegalArgumentException e) {
      return Map.of();
    }
  }

  /** Whether {@code prompt} is a chat completion request rather than a prompt for pages. */
  public static boolean isChat(Prompt prompt) {
    return PROFILE_ID.equals(prompt.profileId());
  }

  private static boolean includeUsage(Object options) {
    return options instanceof Map<?, ?> map && Boolean.TRUE.equals(map.get("include_usage"));
  }

  private static InvalidPromptException invalid(String message) {
    return new InvalidPromptException(CoreErrorCode.INVALID_REQUEST, message);
  }
}

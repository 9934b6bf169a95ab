package dev.genie.persistence.legacy.internal;

import dev.genie.persistence.ApiKey;
import dev.genie.persistence.Prompt;
import dev.genie.persistence.PromptKey;
import dev.genie.persistence.Result;
import dev.genie.persistence.ResultStatus;
import dev.genie.persistence.legacy.internal.JournalRecord.GenerationKeyRecorded;
import dev.genie.persistence.legacy.internal.JournalRecord.KeyCreated;
import dev.genie.persistence.legacy.internal.JournalRecord.KeyRevoked;
import dev.genie.persistence.legacy.internal.JournalRecord.KeyUsed;
import dev.genie.persistence.legacy.internal.JournalRecord.PromptCreated;
import dev.genie.persistence.legacy.internal.JournalRecord.ResultChanged;
import dev.genie.persistence.legacy.internal.JournalRecord.TokensCharged;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;

/**
 * The payload of a journal record: a type byte, then the snapshot's fields in a fixed order.
 * Strings are an int byte count (-1 for null) and UTF-8, because writeUTF stops at 64 KiB; instants
 * are epoch microseconds, the precision callers pass and PostgreSQL keeps.
 */
final class RecordCodec {
  /** A prompt written before the key covered a generation profile: the sample generator's. */
  private static final byte PROMPT_CREATED_V1 = 1;

  private static final byte RESULT_CHANGED = 2;

  /** A prompt written before namespaces: the default namespace's. */
  private static final byte PROMPT_CREATED_V3 = 3;

  private static final byte PROMPT_CREATED = 4;
  private static final byte KEY_CREATED = 5;
  private static final byte KEY_REVOKED = 6;
  private static final byte KEY_USED = 7;
  private static final byte TOKENS_CHARGED = 8;

  /** A result's change that keeps an endpoint's status: a failure it answered with an error. */
  private static final byte RESULT_CHANGED_UPSTREAM = 9;

  private static final byte GENERATION_KEY_RECORDED = 10;

  private RecordCodec() {}

  static byte[] encode(JournalRecord record) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      if (record instanceof PromptCreated created) {
        out.writeByte(PROMPT_CREATED);
        writePrompt(out, created.prompt());
        writeString(out, created.prompt().namespace());
        writeResult(out, created.result());
      } else if (record instanceof ResultChanged changed) {
        Result result = changed.result();
        // Written as before unless there is a status to keep, so that older builds read the rest.
        boolean upstream = result.upstreamStatus() != 0 || result.retryAfter() != null;
        out.writeByte(upstream ? RESULT_CHANGED_UPSTREAM : RESULT_CHANGED);
        writeResult(out, result);
        if (upstream) {
          out.writeInt(result.upstreamStatus());
          out.writeLong(result.retryAfter() == null ? -1 : result.retryAfter().toMillis());
        }
      } else if (record instanceof KeyCreated created) {
        out.writeByte(KEY_CREATED);
        writeKey(out, created.key(), created.keyHash());
      } else if (record instanceof KeyRevoked revoked) {
        out.writeByte(KEY_REVOKED);
        writeString(out, revoked.name());
        writeInstant(out, revoked.at());
      } else if (record instanceof KeyUsed used) {
        out.writeByte(KEY_USED);
        writeString(out, used.name());
        writeInstant(out, used.at());
      } else if (record instanceof GenerationKeyRecorded recorded) {
        out.writeByte(GENERATION_KEY_RECORDED);
        writeString(out, recorded.promptId());
        writeString(out, recorded.name());
      } else if (record instanceof TokensCharged charged) {
        out.writeByte(TOKENS_CHARGED);
        writeString(out, charged.name());
        out.writeLong(charged.day().toEpochDay());
        out.writeLong(charged.tokens());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing to a byte array failed; this is a bug", e);
    }
    return bytes.toByteArray();
  }

  /**
   * Reads a payload made by {@link #encode}.
   *
   * @throws IllegalArgumentException when it is not one
   */
  static JournalRecord decode(byte[] payload) {
    ByteArrayInputStream bytes = new ByteArrayInputStream(payload);
    try (DataInputStream in = new DataInputStream(bytes)) {
      byte type = in.readByte();
      JournalRecord record =
          switch (type) {
            case PROMPT_CREATED -> new PromptCreated(readPrompt(in, true), readResult(in));
            case PROMPT_CREATED_V3 -> new PromptCreated(readPrompt(in, false), readResult(in));
            case PROMPT_CREATED_V1 -> new PromptCreated(readSamplePrompt(in), readResult(in));
            case RESULT_CHANGED -> new ResultChanged(readResult(in));
            case RESULT_CHANGED_UPSTREAM -> new ResultChanged(withUpstream(readResult(in), in));
            case KEY_CREATED -> readKey(in);
            case KEY_REVOKED -> new KeyRevoked(readString(in), readInstant(in));
            case KEY_USED -> new KeyUsed(readString(in), readInstant(in));
            case TOKENS_CHARGED ->
                new TokensCharged(
                    readString(in), LocalDate.ofEpochDay(in.readLong()), in.readLong());
            case GENERATION_KEY_RECORDED ->
                new GenerationKeyRecorded(readString(in), readString(in));
            default -> throw new IllegalArgumentException("unknown record type " + type);
          };
      if (bytes.available() > 0) {
        throw new IllegalArgumentException(bytes.available() + " bytes left after the record");
      }
      return record;
    } catch (IOException e) {
      throw new IllegalArgumentException("the record ends early", e);
    }
  }

  private static void writePrompt(DataOutputStream out, Prompt p) throws IOException {
    writeString(out, p.id());
    writeString(out, p.key());
    writeString(out, p.rawText());
    writeString(out, p.normalizedText());
    out.writeInt(p.normalizerVersion());
    writeInstant(out, p.createdAt());
    writeString(out, p.profileId());
    writeString(out, p.profile());
  }

  /** The prompt's fields; then its namespace, or the default one for a record without it. */
  private static Prompt readPrompt(DataInputStream in, boolean withNamespace) throws IOException {
    return new Prompt(
        readString(in),
        readString(in),
        readString(in),
        readString(in),
        in.readInt(),
        readInstant(in),
        readString(in),
        readString(in),
        withNamespace ? readString(in) : ApiKey.DEFAULT_NAMESPACE);
  }

  private static void writeKey(DataOutputStream out, ApiKey key, byte[] keyHash)
      throws IOException {
    out.writeInt(keyHash.length);
    out.write(keyHash);
    writeString(out, key.name());
    writeString(out, key.namespace());
    out.writeInt(key.ratePerSecond());
    out.writeLong(key.dailyTokens());
    out.writeBoolean(key.admin());
    writeInstant(out, key.createdAt());
  }

  /** A key as created: never used, never revoked; later records say otherwise. */
  private static KeyCreated readKey(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > in.available()) {
      throw new IllegalArgumentException("a key hash claims " + length + " bytes");
    }
    byte[] keyHash = in.readNBytes(length);
    ApiKey key =
        new ApiKey(
            readString(in),
            readString(in),
            in.readInt(),
            in.readLong(),
            in.readBoolean(),
            readInstant(in),
            null,
            null);
    return new KeyCreated(key, keyHash);
  }

  /**
   * A prompt as written before profiles: its key was the text's hash alone, and is taken again over
   * the sample profile that wrote it, as the SQL store's migration does.
   */
  private static Prompt readSamplePrompt(DataInputStream in) throws IOException {
    String id = readString(in);
    readString(in); // the old key
    String raw = readString(in);
    String normalized = readString(in);
    return new Prompt(
        id,
        PromptKey.of(PromptKey.SAMPLE_PROFILE_ID, normalized),
        raw,
        normalized,
        in.readInt(),
        readInstant(in));
  }

  private static void writeResult(DataOutputStream out, Result r) throws IOException {
    writeString(out, r.id());
    writeString(out, r.promptId());
    out.writeByte(statusCode(r.status()));
    writeString(out, r.envelope());
    writeString(out, r.error());
    out.writeInt(r.attempts());
    writeString(out, r.leaseOwner());
    writeInstant(out, r.leaseExpiresAt());
    out.writeLong(r.fencingToken());
    writeInstant(out, r.createdAt());
    writeInstant(out, r.updatedAt());
    writeInstant(out, r.completedAt());
  }

  private static Result readResult(DataInputStream in) throws IOException {
    return new Result(
        readString(in),
        readString(in),
        status(in.readByte()),
        readString(in),
        readString(in),
        in.readInt(),
        readString(in),
        readInstant(in),
        in.readLong(),
        readInstant(in),
        readInstant(in),
        readInstant(in));
  }

  private static Result withUpstream(Result r, DataInputStream in) throws IOException {
    int status = in.readInt();
    long retryAfterMillis = in.readLong();
    return new Result(
        r.id(),
        r.promptId(),
        r.status(),
        r.envelope(),
        r.error(),
        r.attempts(),
        r.leaseOwner(),
        r.leaseExpiresAt(),
        r.fencingToken(),
        r.createdAt(),
        r.updatedAt(),
        r.completedAt(),
        status,
        retryAfterMillis < 0 ? null : Duration.ofMillis(retryAfterMillis));
  }

  // Explicit codes rather than ordinals, so that reordering the enum cannot change old records.
  private static byte statusCode(ResultStatus status) {
    return switch (status) {
      case PENDING -> 1;
      case COMPLETED -> 2;
      case FAILED -> 3;
    };
  }

  private static ResultStatus status(byte code) {
    return switch (code) {
      case 1 -> ResultStatus.PENDING;
      case 2 -> ResultStatus.COMPLETED;
      case 3 -> ResultStatus.FAILED;
      default -> throw new IllegalArgumentException("unknown result status " + code);
    };
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    if (s == null) {
      out.writeInt(-1);
      return;
    }
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }

  private static String readString(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length == -1) {
      return null;
    }
    if (length < 0 || length > in.available()) {
      throw new IllegalArgumentException("a string claims " + length + " bytes");
    }
    return new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }

  private static void writeInstant(DataOutputStream out, Instant t) throws IOException {
    out.writeBoolean(t != null);
    if (t != null) {
      if (t.getNano() % 1_000 != 0) {
        throw new IllegalStateException(t + " has sub-microsecond digits; this is a bug");
      }
      out.writeLong(
          Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000));
    }
  }

  private static Instant readInstant(DataInputStream in) throws IOException {
    if (!in.readBoolean()) {
      return null;
    }
    long micros = in.readLong();
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
  }
}

package dev.genie.persistence.legacy.internal;

import dev.genie.persistence.Prompt;
import dev.genie.persistence.PromptKey;
import dev.genie.persistence.Result;
import dev.genie.persistence.ResultStatus;
import dev.genie.persistence.legacy.internal.JournalRecord.PromptCreated;
import dev.genie.persistence.legacy.internal.JournalRecord.ResultChanged;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The payload of a journal record: a type byte, then the snapshot's fields in a fixed order.
 * Strings are an int byte count (-1 for null) and UTF-8, because writeUTF stops at 64 KiB; instants
 * are epoch microseconds, the precision callers pass and PostgreSQL keeps.
 */
final class RecordCodec {
  /** A prompt written before the key covered a generation profile: the sample generator's. */
  private static final byte PROMPT_CREATED_V1 = 1;

  private static final byte RESULT_CHANGED = 2;
  private static final byte PROMPT_CREATED = 3;

  private RecordCodec() {}

  static byte[] encode(JournalRecord record) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      if (record instanceof PromptCreated created) {
        out.writeByte(PROMPT_CREATED);
        writePrompt(out, created.prompt());
        writeResult(out, created.result());
      } else if (record instanceof ResultChanged changed) {
        out.writeByte(RESULT_CHANGED);
        writeResult(out, changed.result());
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
            case PROMPT_CREATED -> new PromptCreated(readPrompt(in), readResult(in));
            case PROMPT_CREATED_V1 -> new PromptCreated(readSamplePrompt(in), readResult(in));
            case RESULT_CHANGED -> new ResultChanged(readResult(in));
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

  private static Prompt readPrompt(DataInputStream in) throws IOException {
    return new Prompt(
        readString(in),
        readString(in),
        readString(in),
        readString(in),
        in.readInt(),
        readInstant(in),
        readString(in),
        readString(in));
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

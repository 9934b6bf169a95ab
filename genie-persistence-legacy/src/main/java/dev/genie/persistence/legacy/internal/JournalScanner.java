package dev.genie.persistence.legacy.internal;

import dev.genie.persistence.legacy.CorruptJournalException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.function.Consumer;

/** Reads a journal's records in order and finds where its intact part ends. */
final class JournalScanner {
  private static final int SEARCH_CHUNK_BYTES = 64 * 1024;

  private final Path file;
  private final FileChannel channel;
  private final long size;

  JournalScanner(Path file, FileChannel channel, long size) {
    this.file = file;
    this.channel = channel;
    this.size = size;
  }

  /**
   * Where the intact records end, and why the bytes after them (if any) are unusable.
   *
   * @param tailProblem null when the file ends with an intact record
   */
  record Outcome(long intactEnd, String tailProblem) {}

  /** A frame read at some offset: its payload and end, or the reason it is not a frame. */
  private record Frame(byte[] payload, long end, String problem) {
    static Frame bad(String problem) {
      return new Frame(null, -1, problem);
    }
  }

  /**
   * Hands every intact record to {@code sink}, in order.
   *
   * @throws CorruptJournalException when a damaged record is followed by intact ones, or an intact
   *     record cannot be read or applied
   */
  Outcome scan(Consumer<JournalRecord> sink) throws IOException {
    long offset = JournalFormat.HEADER_BYTES;
    while (offset < size) {
      Frame frame = frameAt(offset);
      if (frame.problem() != null) {
        long next = nextIntactFrame(offset + 1);
        if (next >= 0) {
          throw new CorruptJournalException(
              file,
              offset,
              frame.problem()
                  + ", yet intact records follow from offset "
                  + next
                  + ", so this is not a torn last write");
        }
        return new Outcome(offset, frame.problem());
      }
      apply(frame, offset, sink);
      offset = frame.end();
    }
    return new Outcome(offset, null);
  }

  private void apply(Frame frame, long offset, Consumer<JournalRecord> sink) {
    JournalRecord record;
    try {
      record = RecordCodec.decode(frame.payload());
    } catch (IllegalArgumentException e) {
      throw new CorruptJournalException(
          file,
          offset,
          "a record with a valid checksum cannot be read ("
              + e.getMessage()
              + "); a newer or broken Genie wrote it");
    }
    try {
      sink.accept(record);
    } catch (IllegalStateException e) {
      throw new CorruptJournalException(
          file, offset, "a record contradicts the ones before it (" + e.getMessage() + ")");
    }
  }

  private Frame frameAt(long offset) throws IOException {
    long left = size - offset;
    if (left < JournalFormat.FRAME_HEADER_BYTES) {
      return Frame.bad("only " + left + " bytes remain of a record header");
    }
    ByteBuffer header = read(offset, JournalFormat.FRAME_HEADER_BYTES);
    int marker = header.getInt();
    int length = header.getInt();
    int crc = header.getInt();
    if (marker != JournalFormat.MARKER) {
      return Frame.bad("no record marker");
    }
    if (length < 1 || length > JournalFormat.MAX_PAYLOAD_BYTES) {
      return Frame.bad("impossible record length " + length);
    }
    if (length > left - JournalFormat.FRAME_HEADER_BYTES) {
      return Frame.bad(
          "a record of "
              + length
              + " bytes is cut short after "
              + (left - JournalFormat.FRAME_HEADER_BYTES));
    }
    byte[] payload = read(offset + JournalFormat.FRAME_HEADER_BYTES, length).array();
    if (JournalFormat.crc(length, payload) != crc) {
      return Frame.bad("checksum mismatch");
    }
    return new Frame(payload, offset + JournalFormat.FRAME_HEADER_BYTES + length, null);
  }

  /** The offset of the first intact frame at or after {@code from}, or -1. */
  private long nextIntactFrame(long from) throws IOException {
    // Chunks overlap by three bytes so that a marker across a chunk boundary is still seen.
    int step = SEARCH_CHUNK_BYTES - (Integer.BYTES - 1);
    for (long start = from; start + JournalFormat.FRAME_HEADER_BYTES <= size; start += step) {
      ByteBuffer chunk = read(start, (int) Math.min(SEARCH_CHUNK_BYTES, size - start));
      for (int i = 0; i + Integer.BYTES <= chunk.limit(); i++) {
        if (chunk.getInt(i) == JournalFormat.MARKER && frameAt(start + i).problem() == null) {
          return start + i;
        }
      }
    }
    return -1;
  }

  private ByteBuffer read(long offset, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, offset + buffer.position()) < 0) {
        throw new EOFException(file + " ended at " + (offset + buffer.position()) + " while read");
      }
    }
    return buffer.flip();
  }
}

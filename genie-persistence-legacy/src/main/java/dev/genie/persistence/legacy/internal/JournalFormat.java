package dev.genie.persistence.legacy.internal;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * The journal's layout on disk. The file starts with {@code GNJL} and a format version byte; then
 * come frames of a 4-byte marker, the payload length, a CRC32 over length and payload, and the
 * payload ({@link RecordCodec}). The marker lets replay look past a damaged record for intact ones,
 * which tells a torn last write from damage in the middle of the file.
 */
final class JournalFormat {
  static final byte[] MAGIC = {'G', 'N', 'J', 'L'};
  static final byte VERSION = 1;
  static final int HEADER_BYTES = MAGIC.length + 1;

  static final int MARKER = 0x9E4A_C0DE;
  static final int FRAME_HEADER_BYTES = 12;

  /** Far above any real envelope; a length beyond it can only be damage. */
  static final int MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;

  private JournalFormat() {}

  static byte[] header() {
    byte[] header = Arrays.copyOf(MAGIC, HEADER_BYTES);
    header[MAGIC.length] = VERSION;
    return header;
  }

  static byte[] frame(byte[] payload) {
    ByteBuffer frame = ByteBuffer.allocate(FRAME_HEADER_BYTES + payload.length);
    frame.putInt(MARKER).putInt(payload.length).putInt(crc(payload.length, payload)).put(payload);
    return frame.array();
  }

  static int crc(int length, byte[] payload) {
    CRC32 crc = new CRC32();
    crc.update(ByteBuffer.allocate(Integer.BYTES).putInt(0, length));
    crc.update(payload);
    return (int) crc.getValue();
  }
}

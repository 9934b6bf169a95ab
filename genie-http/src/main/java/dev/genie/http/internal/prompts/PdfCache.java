package dev.genie.http.internal.prompts;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The PDFs rendered lately, by namespace and result: a completed result never changes, so a
 * repeated export costs no rendering. Bounded by the bytes it holds; the least recently exported go
 * first.
 */
final class PdfCache {
  private record Key(String namespace, String resultId) {}

  private final long maxBytes;
  private long bytes;
  private final LinkedHashMap<Key, byte[]> pdfs = new LinkedHashMap<>(16, 0.75f, true);

  PdfCache(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  synchronized byte[] get(String namespace, String resultId) {
    return pdfs.get(new Key(namespace, resultId));
  }

  synchronized void put(String namespace, String resultId, byte[] pdf) {
    if (pdf.length > maxBytes) {
      return;
    }
    byte[] replaced = pdfs.put(new Key(namespace, resultId), pdf);
    bytes += pdf.length - (replaced == null ? 0 : replaced.length);
    var eldest = pdfs.entrySet().iterator();
    while (bytes > maxBytes && eldest.hasNext()) {
      Map.Entry<Key, byte[]> dropped = eldest.next();
      bytes -= dropped.getValue().length;
      eldest.remove();
    }
  }

  synchronized long bytes() {
    return bytes;
  }
}

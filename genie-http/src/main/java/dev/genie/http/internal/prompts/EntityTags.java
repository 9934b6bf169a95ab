package dev.genie.http.internal.prompts;

import java.util.Collection;

/** {@code If-None-Match} against an entity tag, compared weakly as RFC 9110 says for it. */
final class EntityTags {
  private EntityTags() {}

  static boolean matches(Collection<String> ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    String opaque = stripWeak(etag);
    for (String header : ifNoneMatch) {
      for (String candidate : header.split(",")) {
        String tag = candidate.strip();
        if (tag.equals("*") || stripWeak(tag).equals(opaque)) {
          return true;
        }
      }
    }
    return false;
  }

  private static String stripWeak(String tag) {
    return tag.startsWith("W/") ? tag.substring(2) : tag;
  }
}

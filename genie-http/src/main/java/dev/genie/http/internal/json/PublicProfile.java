package dev.genie.http.internal.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.genie.persistence.Prompt;
import java.io.IOException;
import java.util.Set;

/**
 * A prompt's generation profile as callers see it: its id and its public settings. The operator's
 * system prompt is part of the profile (a changed one is another profile) but never shown: it may
 * hold instructions or secrets that are the operator's alone, and the id tells profiles apart.
 */
final class PublicProfile {
  /** The settings a caller may see; any other member of a stored profile is left out. */
  private static final Set<String> PUBLIC =
      Set.of(
          "generator", "model", "temperature", "maxOutputTokens", "outputMode", "templateVersion");

  private PublicProfile() {}

  /** Writes {@code prompt}'s profile as {@code {"id":…, <public settings>}}. */
  static void write(JsonGenerator json, Prompt prompt) throws IOException {
    json.writeStartObject();
    json.writeStringField("id", prompt.profileId());
    try (JsonParser parser = Json.FACTORY.createParser(prompt.profile())) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalStateException(
            "the stored profile of prompt " + prompt.id() + " is not an object; this is a bug");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        parser.nextToken();
        if (PUBLIC.contains(name)) {
          json.writeFieldName(name);
          json.copyCurrentStructure(parser);
        } else {
          parser.skipChildren();
        }
      }
    }
    json.writeEndObject();
  }
}

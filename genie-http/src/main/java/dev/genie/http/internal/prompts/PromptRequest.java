package dev.genie.http.internal.prompts;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.genie.core.CoreErrorCode;
import dev.genie.core.GenieException;
import dev.genie.http.internal.errors.HttpErrorCode;
import dev.genie.http.internal.json.Json;
import dev.genie.http.internal.json.RequestBodies;
import java.io.IOException;

/** Reads {@code {"prompt": "…"}}; other members are ignored, so clients may send more. */
final class PromptRequest {
  private static final String DUPLICATE = "Duplicate field ";

  private PromptRequest() {}

  /**
   * The prompt as sent, still raw.
   *
   * @throws GenieException {@link HttpErrorCode#INVALID_JSON} for a body that is not one JSON
   *     object, {@link CoreErrorCode#INVALID_PROMPT} when {@code prompt} is missing or not a string
   */
  static String prompt(byte[] body) {
    if (body.length == 0) {
      throw invalidJson("the body is empty; send {\"prompt\": \"…\"}");
    }
    RequestBodies.utf8(body);
    try (JsonParser parser = Json.FACTORY.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw invalidJson("the body must be a JSON object like {\"prompt\": \"…\"}");
      }
      String prompt = null;
      boolean present = false;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if ("prompt".equals(name)) {
          present = true;
          if (value != JsonToken.VALUE_STRING) {
            throw invalidPrompt("prompt must be a JSON string, not " + describe(value));
          }
          prompt = parser.getText();
        } else {
          parser.skipChildren();
        }
      }
      if (parser.nextToken() != null) {
        throw invalidJson("the body has content after its JSON object");
      }
      if (!present) {
        throw invalidPrompt("prompt is required: send {\"prompt\": \"…\"}");
      }
      return prompt;
    } catch (StreamConstraintsException e) {
      throw invalidJson("the body is nested too deeply or holds an oversized value");
    } catch (IOException e) {
      // Jackson's one sign of a repeated member is its message, which no other error shares.
      String message = e instanceof JsonParseException parse ? parse.getOriginalMessage() : "";
      if (message != null && message.startsWith(DUPLICATE)) {
        throw invalidJson(
            message.equals(DUPLICATE + "'prompt'")
                ? "the body has the member prompt twice; send it once"
                : "the body has an object with a member twice; send each member once");
      }
      throw invalidJson("the body is not valid JSON in UTF-8");
    }
  }

  private static String describe(JsonToken token) {
    return switch (token) {
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      default -> "that";
    };
  }

  private static GenieException invalidJson(String message) {
    return new GenieException(HttpErrorCode.INVALID_JSON, message);
  }

  private static GenieException invalidPrompt(String message) {
    return new GenieException(CoreErrorCode.INVALID_PROMPT, message);
  }
}

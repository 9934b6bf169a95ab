package dev.genie.http.config;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The environment key of each library setting. The libraries know no environment: their messages
 * name a setting as its builder does ({@code SqlStoreSettings.poolSize}). Operators and callers set
 * environment keys, so what they read (the startup banner, HTTP error bodies, the log) names the
 * key instead ({@code GENIE_DB_POOL_SIZE}), through {@link #toKeys}.
 */
public final class SettingNames {
  /** Setting → what an operator sets for it: the key, and its fallback where it has one. */
  static final Map<String, String> KEYS =
      Map.ofEntries(
          Map.entry("OrchestratorSettings.waitTimeout", "GENIE_WAIT_TIMEOUT_MS"),
          Map.entry("OrchestratorSettings.lease", "GENIE_LEASE_MS"),
          Map.entry("OrchestratorSettings.maxAttempts", "GENIE_MAX_ATTEMPTS"),
          Map.entry("OrchestratorSettings.maxPromptChars", "GENIE_MAX_PROMPT_CHARS"),
          Map.entry("OrchestratorSettings.instanceId", "GENIE_INSTANCE_ID"),
          Map.entry("OrchestratorSettings.generationConcurrency", "GENIE_GENERATION_CONCURRENCY"),
          Map.entry("OrchestratorSettings.generationQueue", "GENIE_GENERATION_QUEUE"),
          Map.entry("SqlStoreSettings.url", "DATABASE_URL"),
          Map.entry("SqlStoreSettings.poolSize", "GENIE_DB_POOL_SIZE"),
          Map.entry("SqlStoreSettings.migrate", "GENIE_MIGRATE"),
          Map.entry("SqlStoreSettings.connectionTimeout", "GENIE_DB_CONNECTION_TIMEOUT_MS"),
          Map.entry("SqlStoreSettings.statementTimeout", "GENIE_DB_STATEMENT_TIMEOUT_MS"),
          Map.entry("SqlStoreSettings.lockTimeout", "GENIE_DB_LOCK_TIMEOUT_MS"),
          Map.entry("SqlStoreSettings.logSql", "GENIE_LOG_SQL"),
          Map.entry("SqlStoreSettings.completedCacheMegabytes", "GENIE_COMPLETED_CACHE_MB"),
          Map.entry("SqlStoreSettings.listenUrl", "GENIE_DB_LISTEN_URL"),
          Map.entry("SqlStoreSettings.pooler", "GENIE_DB_POOLER"),
          Map.entry("SqlStoreSettings.failoverWait", "GENIE_DB_FAILOVER_WAIT_MS"),
          Map.entry("SqlStoreSettings.groupCommitMax", "GENIE_DB_GROUP_COMMIT_MAX"),
          Map.entry("LegacyStoreSettings.dataDir", "GENIE_DATA_DIR"),
          Map.entry("EndpointSettings.baseUrl", "GENIE_OPENAI_BASE_URL"),
          Map.entry("EndpointSettings.apiKey", "GENIE_OPENAI_API_KEY (or OPENAI_API_KEY)"),
          Map.entry("OpenAiSettings.model", "GENIE_OPENAI_MODEL"),
          Map.entry("OpenAiSettings.temperature", "GENIE_OPENAI_TEMPERATURE"),
          Map.entry("OpenAiSettings.maxOutputTokens", "GENIE_OPENAI_MAX_OUTPUT_TOKENS"),
          Map.entry("OpenAiSettings.systemPrompt", "GENIE_SYSTEM_PROMPT"),
          Map.entry("OpenAiSettings.outputMode", "GENIE_OPENAI_OUTPUT"),
          Map.entry("EndpointSettings.timeout", "GENIE_GENERATION_TIMEOUT_MS"),
          Map.entry("EndpointSettings.retries", "GENIE_GENERATION_RETRIES"),
          Map.entry("EndpointSettings.concurrency", "GENIE_GENERATION_CONCURRENCY"));

  private static final Pattern SETTING = Pattern.compile("\\b[A-Z][A-Za-z]*Settings\\.[a-z]\\w*");

  private SettingNames() {}

  /**
   * {@code message} with each setting it names replaced by its environment key; settings without
   * one (those only code sets) stay as they are.
   */
  public static String toKeys(String message) {
    if (message == null || !message.contains("Settings.")) {
      return message;
    }
    Matcher setting = SETTING.matcher(message);
    return setting.replaceAll(
        found -> Matcher.quoteReplacement(KEYS.getOrDefault(found.group(), found.group())));
  }
}

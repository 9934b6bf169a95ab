package dev.genie.http.wiring;

import dev.genie.http.StartupCheckException;
import dev.genie.http.config.StorageSettings;
import dev.genie.persistence.PromptStore;
import dev.genie.persistence.SchemaException;
import dev.genie.persistence.StoreException;
import dev.genie.persistence.StoreUnavailableException;
import dev.genie.persistence.sql.DatabaseUrl;
import dev.genie.persistence.sql.MissingDatabaseException;
import dev.genie.persistence.sql.SqlPromptStore;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import javax.inject.Provider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that picks the store from configuration, and the startup check that refuses a
 * legacy store when the database is required (INV-6). Stores not picked are never built.
 */
final class StoreSelection {
  private static final Logger log = LoggerFactory.getLogger(StoreSelection.class);
  private static final String URL_FIX =
      "set DATABASE_URL=postgres://user:password@host:5432/database";

  private StoreSelection() {}

  static PromptStore open(
      StorageSettings storage, List<String> notices, Map<String, Provider<PromptStore>> stores) {
    notices.forEach(notice -> log.info("notice: {}", notice));
    String name = storage.selected();
    if (storage.requireDb() && !SqlPromptStore.NAME.equals(name)) {
      throw new StartupCheckException(
          "the database is required ("
              + storage.requiredBy()
              + ") but the store resolved to '"
              + name
              + "' because "
              + (storage.databaseUrl().isEmpty()
                  ? "DATABASE_URL is not set"
                  : "GENIE_STORAGE=" + storage.mode().name().toLowerCase(java.util.Locale.ROOT)),
          storage.databaseUrl().isEmpty() ? URL_FIX : "set GENIE_STORAGE=sql or auto");
    }
    if (SqlPromptStore.NAME.equals(name) && storage.sql().isEmpty()) {
      throw new StartupCheckException("GENIE_STORAGE=sql but DATABASE_URL is not set", URL_FIX);
    }
    Provider<PromptStore> store = stores.get(name);
    if (store == null) {
      throw new StartupCheckException(
          "no store is named '" + name + "'; known: " + new TreeSet<>(stores.keySet()),
          "set GENIE_STORAGE to one of auto, sql, legacy");
    }
    try {
      return store.get();
    } catch (MissingDatabaseException e) {
      DatabaseUrl url = e.url();
      throw new StartupCheckException(
          e.getMessage(),
          "create it: createdb -h "
              + url.host()
              + " -p "
              + url.port()
              + " -U "
              + url.user()
              + " "
              + url.database()
              + " (or CREATE DATABASE "
              + url.database()
              + " in psql), or point DATABASE_URL at a database that exists",
          e);
    } catch (StoreUnavailableException e) {
      throw new StartupCheckException(
          e.getMessage(),
          "start PostgreSQL, or point DATABASE_URL at one that is reachable from here",
          e);
    } catch (SchemaException e) {
      throw new StartupCheckException(e.getMessage(), "see the cause for the setting to change", e);
    } catch (StoreException e) {
      throw new StartupCheckException(
          "the " + name + " store could not open: " + e.getMessage(),
          SqlPromptStore.NAME.equals(name)
              ? "check DATABASE_URL and the database"
              : "check GENIE_DATA_DIR",
          e);
    }
  }
}

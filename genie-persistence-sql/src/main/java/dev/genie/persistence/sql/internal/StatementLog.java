package dev.genie.persistence.sql.internal;

import dev.genie.persistence.sql.SqlStoreSettings;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import org.apache.ibatis.executor.Executor;
import org.apache.ibatis.mapping.MappedStatement;
import org.apache.ibatis.plugin.Interceptor;
import org.apache.ibatis.plugin.Intercepts;
import org.apache.ibatis.plugin.Invocation;
import org.apache.ibatis.plugin.Signature;
import org.apache.ibatis.session.ResultHandler;
import org.apache.ibatis.session.RowBounds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs every statement of the store with its timing ({@code SqlStoreSettings.logSql}): one line
 * each, the mapper statement, milliseconds, rows and the SQL with its {@code ?} placeholders. Bound
 * values are left out: prompts are long and the log should never become a copy of the data. The
 * time runs from asking MyBatis to the rows mapped, so it includes waiting for a pooled connection.
 */
@Intercepts({
  @Signature(
      type = Executor.class,
      method = "query",
      args = {MappedStatement.class, Object.class, RowBounds.class, ResultHandler.class}),
  @Signature(
      type = Executor.class,
      method = "update",
      args = {MappedStatement.class, Object.class})
})
public final class StatementLog implements Interceptor {
  private static final Logger log = LoggerFactory.getLogger(SqlStoreSettings.SQL_LOGGER);

  @Override
  public Object intercept(Invocation invocation) throws Throwable {
    MappedStatement statement = (MappedStatement) invocation.getArgs()[0];
    long started = System.nanoTime();
    try {
      Object result = invocation.proceed();
      if (log.isInfoEnabled()) {
        log.info(line(statement, invocation, started, "rows=" + rows(result)));
      }
      return result;
    } catch (Throwable failure) {
      if (log.isWarnEnabled()) {
        log.warn(line(statement, invocation, started, failed(failure)));
      }
      throw failure;
    }
  }

  private static String line(
      MappedStatement statement, Invocation invocation, long started, String outcome) {
    double millis = (System.nanoTime() - started) / 1_000_000.0;
    String sql = statement.getBoundSql(invocation.getArgs()[1]).getSql();
    return String.format(
        Locale.ROOT,
        "%s %.2f ms %s | %s",
        shortId(statement.getId()),
        millis,
        outcome,
        sql.strip().replaceAll("\\s+", " "));
  }

  /** {@code PromptMapper.claim} rather than the mapper's full class name. */
  private static String shortId(String id) {
    int method = id.lastIndexOf('.');
    int type = method <= 0 ? -1 : id.lastIndexOf('.', method - 1);
    return id.substring(type + 1);
  }

  private static String rows(Object result) {
    if (result instanceof List<?> list) {
      return Integer.toString(list.size());
    }
    return String.valueOf(result);
  }

  private static String failed(Throwable failure) {
    SQLException sql = StoreFailures.sqlException(failure);
    return sql == null
        ? "failed (" + failure.getClass().getSimpleName() + ")"
        : "failed (SQLState " + sql.getSQLState() + ")";
  }
}

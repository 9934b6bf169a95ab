package dev.genie.persistence.sql.internal;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import org.apache.ibatis.executor.statement.StatementHandler;
import org.apache.ibatis.logging.jdbc.ConnectionLogger;
import org.apache.ibatis.plugin.Interceptor;
import org.apache.ibatis.plugin.Intercepts;
import org.apache.ibatis.plugin.Invocation;
import org.apache.ibatis.plugin.Signature;

/**
 * Keeps MyBatis from logging the statements' bound values and rows: the prompts and answers of
 * Genie's callers. MyBatis logs them at DEBUG, on a logger named after each statement, whenever
 * that level is on, as it is wherever logging is left unconfigured (Logback's default), by wrapping
 * the connection in a logging proxy. This hands the statement the connection inside it. MyBatis's
 * switch for this, {@code Configuration.setLogImpl}, would turn it off in every MyBatis of the JVM,
 * the caller's own too; the statement log ({@link StatementLog}) logs statements without their
 * values.
 */
@Intercepts(
    @Signature(
        type = StatementHandler.class,
        method = "prepare",
        args = {Connection.class, Integer.class}))
final class UnloggedStatements implements Interceptor {
  @Override
  public Object intercept(Invocation invocation) throws Throwable {
    Object[] args = invocation.getArgs();
    if (args[0] instanceof Connection connection
        && Proxy.isProxyClass(connection.getClass())
        && Proxy.getInvocationHandler(connection) instanceof ConnectionLogger logging) {
      args[0] = logging.getConnection();
    }
    return invocation.proceed();
  }
}

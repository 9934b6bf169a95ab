package dev.genie.it.support;

/**
 * The connections a run plans to open against those the server has free.
 *
 * @param maxConnections the server's {@code max_connections}
 * @param superuserReserved {@code superuser_reserved_connections}
 * @param reserved {@code reserved_connections} (PostgreSQL 16 and later, else 0)
 * @param inUse client connections open when the budget was read
 * @param instances Genie instances the run starts
 * @param poolSizePerInstance each instance's pool size
 * @param extraPerInstance connections beside the pool per instance (listeners, checks)
 */
public record ConnectionBudget(
    int maxConnections,
    int superuserReserved,
    int reserved,
    int inUse,
    int instances,
    int poolSizePerInstance,
    int extraPerInstance) {

  public int needed() {
    return instances * (poolSizePerInstance + extraPerInstance);
  }

  /** Free slots for an ordinary role: reserved slots are not counted as free. */
  public int available() {
    return Math.max(0, maxConnections - superuserReserved - reserved - inUse);
  }

  public boolean fits() {
    return needed() <= available();
  }

  @Override
  public String toString() {
    return "connections needed "
        + instances
        + " x ("
        + poolSizePerInstance
        + " pool + "
        + extraPerInstance
        + " extra) = "
        + needed()
        + ", available "
        + available()
        + " (max_connections="
        + maxConnections
        + " - superuser_reserved_connections="
        + superuserReserved
        + " - reserved_connections="
        + reserved
        + " - "
        + inUse
        + " in use)";
  }
}

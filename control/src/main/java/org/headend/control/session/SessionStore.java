package org.headend.control.session;

import java.util.List;

/**
 * Where the session table is kept so that it outlives the process: a restart or an upgrade brings the sessions
 * back and clients reconnect with their cookies. {@link FileSessionStore} keeps it in the state directory; a
 * cluster keeps it in etcd behind the same calls.
 * <p>
 * {@link #put} and {@link #remove} are called on the control thread and must never wait on a disk or a network:
 * an implementation queues or coalesces, and writes elsewhere.
 */
public interface SessionStore extends AutoCloseable
{
    /** Keeps nothing: sessions end with the process. */
    SessionStore NONE = new SessionStore()
    {
        @Override
        public List<SessionRecord> load()
        {
            return List.of();
        }

        @Override
        public void put(final SessionRecord record)
        {
        }

        @Override
        public void remove(final String tokenKey)
        {
        }

        @Override
        public void close()
        {
        }
    };

    /**
     * The sessions kept by an earlier run, once, before any {@link #put}. A session that had a tunnel when it was
     * last written comes back disconnected since that write. Unreadable or damaged state is logged and set aside,
     * never thrown: the appliance then starts with no sessions.
     */
    List<SessionRecord> load();

    /** The session was opened or changed (lease, tunnel up or down, activity): keep this version of it. */
    void put(SessionRecord record);

    /** The session ended (logoff, DISCONNECT, logout, timer): forget it, so that its cookie stays refused. */
    void remove(String tokenKey);

    /** Writes what is pending and releases the store (clean stop); later calls are ignored. */
    @Override
    void close();
}

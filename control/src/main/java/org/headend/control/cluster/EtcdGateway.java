package org.headend.control.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of etcd's v3 JSON gateway ({@code /v3/kv/range}, {@code /v3/kv/txn}, {@code /v3/lease/*},
 * {@code /v3/watch}) over the JDK HTTP client: no gRPC, no protobuf, nothing that needs {@code sun.misc.Unsafe}.
 * Every call is asynchronous and completes on the client's own threads; a call that cannot reach one endpoint tries
 * the next. Reads are linearizable (the gateway's default), never serializable: a member cut off from the quorum
 * must not answer from its stale copy.
 * <p>
 * Every call asks etcd to require a leader ({@link #REQUIRE_LEADER}): an etcd member cut off from its peers then
 * refuses a call at once ("no leader", which the next endpoint is asked instead) rather than after its 7 s request
 * timeout, and ends a watch stream within a few election timeouts rather than keeping it open and silent for as long
 * as the cut lasts (the watch is then opened again on the next endpoint).
 * <p>
 * With a user ({@code cluster etcd-user}), the client logs in ({@code /v3/auth/authenticate}) before its first call
 * and sends the token with every call; a token etcd no longer knows (it expired unused, or etcd restarted) is
 * replaced by logging in again, once per call.
 */
public final class EtcdGateway implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(EtcdGateway.class);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);
    private static final Base64.Encoder B64 = Base64.getEncoder();
    private static final Base64.Decoder UNB64 = Base64.getDecoder();
    /** The gateway passes {@code Grpc-Metadata-*} headers on as gRPC metadata: etcd's "require leader" flag. */
    static final String REQUIRE_LEADER = "Grpc-Metadata-hasleader";
    /** etcd's refusal of a call that requires a leader, on a member that has none: never carried out. */
    static final String NO_LEADER = "etcdserver: no leader";

    private final List<URI> endpoints;
    private final ExecutorService executor;
    private final HttpClient http;
    private final String user;
    private final String password;
    /** The login in force or under way; null before the first and after etcd refused a token. */
    private final java.util.concurrent.atomic.AtomicReference<CompletableFuture<String>> token =
        new java.util.concurrent.atomic.AtomicReference<>();
    private volatile int preferred;
    private volatile boolean closed;

    /** One key-value pair as etcd holds it. */
    public record Kv(String key, String value, long modRevision, long createRevision, long lease)
    {
    }

    /** What a transaction did: whether its comparisons held, and the kvs its range operations returned. */
    public record TxnResult(boolean succeeded, long revision, List<Kv> ranged)
    {
    }

    /** One change seen by a watch: {@code deleted} or put, with the key's value after a put. */
    public record Event(boolean deleted, Kv kv)
    {
    }

    /** etcd answered with an error (no quorum, unknown lease, bad request). */
    public static final class EtcdException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        EtcdException(final String message)
        {
            super(message);
        }
    }

    /**
     * @param endpoints the client URLs of the etcd members, e.g. {@code http://192.0.2.11:2379}
     */
    public EtcdGateway(final List<URI> endpoints)
    {
        this(endpoints, null);
    }

    /**
     * @param endpoints the client URLs of the etcd members, {@code https://…} for TLS
     * @param tls       the TLS context for {@code https} endpoints (the CA etcd is checked against, this member's
     *                  client certificate: {@link EtcdTls}); null for the JDK's default
     */
    public EtcdGateway(final List<URI> endpoints, final javax.net.ssl.SSLContext tls)
    {
        this(endpoints, tls, null, null);
    }

    /**
     * @param endpoints the client URLs of the etcd members, {@code https://…} for TLS
     * @param tls       as {@link #EtcdGateway(List, javax.net.ssl.SSLContext)}
     * @param user      the etcd user to log in as; null for none (etcd without {@code auth enable})
     * @param password  its password
     */
    public EtcdGateway(final List<URI> endpoints, final javax.net.ssl.SSLContext tls, final String user,
        final String password)
    {
        this.user = user;
        this.password = password;
        if (endpoints.isEmpty())
        {
            throw new IllegalArgumentException("at least one etcd endpoint is needed");
        }
        this.endpoints = List.copyOf(endpoints);
        this.executor = Executors.newFixedThreadPool(2, Thread.ofPlatform().daemon().name("etcd-client-", 0)
            .factory());
        final HttpClient.Builder builder = HttpClient.newBuilder().executor(executor)
            .connectTimeout(Duration.ofSeconds(2)).version(HttpClient.Version.HTTP_1_1);
        if (tls != null)
        {
            builder.sslContext(tls);
        }
        this.http = builder.build();
    }

    static String b64(final String text)
    {
        return B64.encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    static String unb64(final Object text)
    {
        return text == null ? "" : new String(UNB64.decode((String)text), StandardCharsets.UTF_8);
    }

    /** The key after every key that starts with {@code prefix}: the range end of a prefix query. */
    static String prefixEnd(final String prefix)
    {
        final char last = prefix.charAt(prefix.length() - 1);
        return prefix.substring(0, prefix.length() - 1) + (char)(last + 1);
    }

    /** The pairs whose keys start with {@code prefix}. */
    public CompletableFuture<List<Kv>> rangePrefix(final String prefix)
    {
        return call("/v3/kv/range", Map.of("key", b64(prefix), "range_end", b64(prefixEnd(prefix))))
            .thenApply(answer -> kvs(answer.get("kvs")));
    }

    /** The pair at {@code key}, or null. */
    public CompletableFuture<Kv> get(final String key)
    {
        return call("/v3/kv/range", Map.of("key", b64(key))).thenApply(answer ->
        {
            final List<Kv> kvs = kvs(answer.get("kvs"));
            return kvs.isEmpty() ? null : kvs.get(0);
        });
    }

    /**
     * One transaction: if every comparison of {@code compare} holds, {@code success} runs, else {@code failure}.
     * Build the parts with {@link Txn}.
     */
    public CompletableFuture<TxnResult> txn(final List<Map<String, Object>> compare,
        final List<Map<String, Object>> success, final List<Map<String, Object>> failure)
    {
        return call("/v3/kv/txn", Map.of("compare", compare, "success", success, "failure", failure))
            .thenApply(answer ->
            {
                final List<Kv> ranged = new ArrayList<>();
                if (answer.get("responses") instanceof List<?> responses)
                {
                    for (final Object response : responses)
                    {
                        if (response instanceof Map<?, ?> r && r.get("response_range") instanceof Map<?, ?> range)
                        {
                            ranged.addAll(kvs(range.get("kvs")));
                        }
                    }
                }
                return new TxnResult(Boolean.TRUE.equals(answer.get("succeeded")), revision(answer), ranged);
            });
    }

    /** A new lease of {@code ttlSeconds}; its id. */
    public CompletableFuture<Long> grant(final long ttlSeconds)
    {
        return call("/v3/lease/grant", Map.of("TTL", String.valueOf(ttlSeconds))).thenApply(answer ->
            number(answer.get("ID")));
    }

    /** Refreshes lease {@code id}; the TTL it has now, 0 when it has expired or was revoked. */
    public CompletableFuture<Long> keepAlive(final long id)
    {
        return call("/v3/lease/keepalive", Map.of("ID", String.valueOf(id))).thenApply(answer ->
            answer.get("result") instanceof Map<?, ?> result ? number(result.get("TTL")) : 0L);
    }

    /** Ends lease {@code id} and deletes every key on it. */
    public CompletableFuture<Void> revoke(final long id)
    {
        return call("/v3/lease/revoke", Map.of("ID", String.valueOf(id))).thenApply(answer -> null);
    }

    /**
     * Watches every key under {@code prefix} from {@code fromRevision} on, on a thread of its own, until
     * {@link #close}: a broken stream is opened again from the revision after the last event seen, so no change is
     * missed (within etcd's compaction window). {@code events} runs on that thread.
     */
    public Thread watch(final String prefix, final long fromRevision, final Consumer<Event> events)
    {
        final Thread thread = Thread.ofPlatform().daemon().name("etcd-watch " + prefix).start(() ->
        {
            long next = fromRevision;
            while (!closed)
            {
                try
                {
                    next = watchOnce(prefix, next, events);
                    if (!closed)
                    {
                        // etcd ends a stream that requires a leader when its member lost the leader: ask another
                        LOG.warn("etcd watch of {} ended by {}; resuming from revision {}", prefix,
                            endpoints.get(preferred), next);
                        preferred = (preferred + 1) % endpoints.size();
                    }
                }
                catch (final IOException | RuntimeException ex)
                {
                    if (!closed)
                    {
                        LOG.warn("etcd watch of {} broke ({}); resuming from revision {}", prefix, ex.toString(),
                            next);
                        preferred = (preferred + 1) % endpoints.size();
                    }
                }
                catch (final InterruptedException ex)
                {
                    return;
                }
                if (!closed)
                {
                    try
                    {
                        Thread.sleep(500);
                    }
                    catch (final InterruptedException ex)
                    {
                        return;
                    }
                }
            }
        });
        return thread;
    }

    private long watchOnce(final String prefix, final long from, final Consumer<Event> events)
        throws IOException, InterruptedException
    {
        long next = from;
        final Map<String, Object> create = new java.util.LinkedHashMap<>();
        create.put("key", b64(prefix));
        create.put("range_end", b64(prefixEnd(prefix)));
        if (from > 0)
        {
            create.put("start_revision", String.valueOf(from));
        }
        final HttpRequest.Builder builder = HttpRequest.newBuilder(endpoints.get(preferred).resolve("/v3/watch"))
            .header(REQUIRE_LEADER, "true").POST(HttpRequest.BodyPublishers.ofString(Json.write(Map.of("create_request", create))));
        final CompletableFuture<String> login = login();
        final String current;
        try
        {
            current = login.get(CALL_TIMEOUT.toSeconds() * endpoints.size(), java.util.concurrent.TimeUnit.SECONDS);
        }
        catch (final java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ex)
        {
            token.compareAndSet(login, null);
            throw new EtcdException("etcd login failed: " + cause(ex.getCause() == null ? ex : ex.getCause()));
        }
        if (current != null)
        {
            builder.header("Authorization", current);
        }
        final HttpRequest request = builder.build();
        final HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(),
            StandardCharsets.UTF_8)))
        {
            String line;
            while (!closed && (line = lines.readLine()) != null)
            {
                if (line.isBlank())
                {
                    continue;
                }
                final Map<String, Object> message = Json.object(line);
                if (message.get("error") != null || !(message.get("result") instanceof Map<?, ?> result))
                {
                    if (tokenRefused(message))
                    {
                        token.compareAndSet(login, null);
                    }
                    throw new EtcdException("watch: " + line);
                }
                if (result.get("compact_revision") != null && !"0".equals(String.valueOf(result.get(
                    "compact_revision"))))
                {
                    throw new EtcdException("watch fell behind compaction at " + result.get("compact_revision"));
                }
                if (result.get("events") instanceof List<?> list)
                {
                    for (final Object item : list)
                    {
                        final Map<?, ?> event = (Map<?, ?>)item;
                        final Kv kv = kv((Map<?, ?>)event.get("kv"));
                        events.accept(new Event("DELETE".equals(event.get("type")), kv));
                        next = Math.max(next, kv.modRevision() + 1);
                    }
                }
            }
        }
        return next;
    }

    private CompletableFuture<Map<String, Object>> call(final String path, final Map<String, Object> body)
    {
        return call(path, Json.write(body), true);
    }

    /** One call with the current login's token; a refused token is replaced once when {@code relogin}. */
    private CompletableFuture<Map<String, Object>> call(final String path, final String body, final boolean relogin)
    {
        final CompletableFuture<String> login = login();
        return login.thenCompose(current -> attempt(path, body, current, preferred, endpoints.size()))
            .handle((answer, error) ->
            {
                if (error == null)
                {
                    return CompletableFuture.completedFuture(answer);
                }
                if (relogin && user != null && cause(error).contains(INVALID_TOKEN))
                {
                    token.compareAndSet(login, null);
                    return call(path, body, false);
                }
                if (login.isCompletedExceptionally())
                {
                    token.compareAndSet(login, null); // the next call tries to log in again
                }
                return CompletableFuture.<Map<String, Object>>failedFuture(error instanceof CompletionException
                    && error.getCause() != null ? error.getCause() : error);
            }).thenCompose(f -> f);
    }

    /** etcd's words for a token it does not know (expired, or issued before a restart). */
    private static final String INVALID_TOKEN = "invalid auth token";

    private static boolean tokenRefused(final Map<String, Object> message)
    {
        return String.valueOf(message.get("error")).contains(INVALID_TOKEN)
            || message.get("result") instanceof Map<?, ?> r && String.valueOf(r.get("cancel_reason"))
                .contains(INVALID_TOKEN);
    }

    /** The token to send: null without a user; logs in when there is no login in force or under way. */
    private CompletableFuture<String> login()
    {
        if (user == null)
        {
            return CompletableFuture.completedFuture(null);
        }
        while (true)
        {
            final CompletableFuture<String> current = token.get();
            if (current != null)
            {
                return current;
            }
            final CompletableFuture<String> fresh = new CompletableFuture<>();
            if (token.compareAndSet(null, fresh))
            {
                attempt("/v3/auth/authenticate", Json.write(Map.of("name", user, "password", password)), null,
                    preferred, endpoints.size()).whenComplete((answer, error) ->
                    {
                        if (error != null)
                        {
                            fresh.completeExceptionally(new EtcdException("etcd refused the login of user " + user
                                + ": " + cause(error)));
                        }
                        else if (!(answer.get("token") instanceof String t) || t.isEmpty())
                        {
                            fresh.completeExceptionally(new EtcdException("etcd gave user " + user + " no token: "
                                + "is auth enabled?"));
                        }
                        else
                        {
                            fresh.complete(t);
                        }
                    });
                return fresh;
            }
        }
    }

    private CompletableFuture<Map<String, Object>> attempt(final String path, final String body, final String auth,
        final int index, final int triesLeft)
    {
        if (closed)
        {
            return CompletableFuture.failedFuture(new EtcdException("the etcd client is closed"));
        }
        final HttpRequest.Builder builder = HttpRequest.newBuilder(endpoints.get(index).resolve(path))
            .header(REQUIRE_LEADER, "true").timeout(CALL_TIMEOUT).POST(HttpRequest.BodyPublishers.ofString(body));
        if (auth != null)
        {
            builder.header("Authorization", auth);
        }
        final HttpRequest request = builder.build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((response, error) ->
        {
            if (error != null)
            {
                return next(path, body, auth, index, triesLeft, "no etcd endpoint answered: " + cause(error));
            }
            final Map<String, Object> answer;
            try
            {
                answer = Json.object(response.body());
            }
            catch (final IllegalArgumentException ex)
            {
                return CompletableFuture.<Map<String, Object>>failedFuture(new EtcdException(
                    "etcd answered " + response.statusCode() + " with no JSON"));
            }
            if (response.statusCode() != 200 || answer.get("error") != null)
            {
                final String message = String.valueOf(answer.getOrDefault("message", answer.get("error")));
                if (message.contains(NO_LEADER))
                {
                    return next(path, body, auth, index, triesLeft, message);
                }
                return CompletableFuture.<Map<String, Object>>failedFuture(new EtcdException(message));
            }
            return CompletableFuture.completedFuture(answer);
        }).thenCompose(f -> f);
    }

    /** The call failed on endpoint {@code index} without being carried out: the next endpoint, if one is left. */
    private CompletableFuture<Map<String, Object>> next(final String path, final String body, final String auth,
        final int index, final int triesLeft, final String why)
    {
        if (triesLeft > 1)
        {
            final int other = (index + 1) % endpoints.size();
            preferred = other;
            return attempt(path, body, auth, other, triesLeft - 1);
        }
        return CompletableFuture.failedFuture(new EtcdException(why));
    }

    private static String cause(final Throwable error)
    {
        final Throwable root = error instanceof CompletionException && error.getCause() != null ? error.getCause()
            : error;
        return root.toString();
    }

    private static long revision(final Map<String, Object> answer)
    {
        return answer.get("header") instanceof Map<?, ?> header ? number(header.get("revision")) : 0;
    }

    private static List<Kv> kvs(final Object list)
    {
        final List<Kv> kvs = new ArrayList<>();
        if (list instanceof List<?> items)
        {
            for (final Object item : items)
            {
                kvs.add(kv((Map<?, ?>)item));
            }
        }
        return kvs;
    }

    private static Kv kv(final Map<?, ?> kv)
    {
        return new Kv(unb64(kv.get("key")), unb64(kv.get("value")), number(kv.get("mod_revision")),
            number(kv.get("create_revision")), number(kv.get("lease")));
    }

    static long number(final Object value)
    {
        return switch (value)
        {
            case null -> 0;
            case String s -> Long.parseLong(s);
            case Json.Num n -> n.asLong();
            default -> throw new EtcdException("not a number: " + value);
        };
    }

    @Override
    public void close()
    {
        closed = true;
        executor.shutdownNow();
        http.shutdownNow();
    }
}

package org.headend.control.cluster;

import java.util.LinkedHashMap;
import java.util.Map;

/** The parts of an etcd transaction in the JSON gateway's shape (keys and values base64, numbers as strings). */
final class Txn
{
    private Txn()
    {
    }

    /** Holds when {@code key} does not exist. */
    static Map<String, Object> absent(final String key)
    {
        return Map.of("target", "VERSION", "key", EtcdGateway.b64(key), "result", "EQUAL", "version", "0");
    }

    /** Holds when {@code key} was last written at {@code revision} (0: it does not exist). */
    static Map<String, Object> modifiedAt(final String key, final long revision)
    {
        return Map.of("target", "MOD", "key", EtcdGateway.b64(key), "result", "EQUAL", "mod_revision",
            String.valueOf(revision));
    }

    /** Holds when {@code key} holds exactly {@code value}. */
    static Map<String, Object> valueIs(final String key, final String value)
    {
        return Map.of("target", "VALUE", "key", EtcdGateway.b64(key), "result", "EQUAL", "value",
            EtcdGateway.b64(value));
    }

    /** Writes {@code value} at {@code key}, on {@code lease} (0: none). */
    static Map<String, Object> put(final String key, final String value, final long lease)
    {
        final Map<String, Object> put = new LinkedHashMap<>();
        put.put("key", EtcdGateway.b64(key));
        put.put("value", EtcdGateway.b64(value));
        if (lease != 0)
        {
            put.put("lease", String.valueOf(lease));
        }
        return Map.of("request_put", put);
    }

    static Map<String, Object> delete(final String key)
    {
        return Map.of("request_delete_range", Map.of("key", EtcdGateway.b64(key)));
    }

    static Map<String, Object> get(final String key)
    {
        return Map.of("request_range", Map.of("key", EtcdGateway.b64(key)));
    }
}

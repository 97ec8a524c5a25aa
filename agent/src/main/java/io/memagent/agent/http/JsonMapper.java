package io.memagent.agent.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The API's one Jackson mapper, made on the first request that needs JSON: Jackson is about 550 classes (several
 * MB of metaspace for the JVM's life), and an API that is never asked for JSON (only probed, or not called at all)
 * never loads it.
 */
final class JsonMapper {
    private JsonMapper() {
    }

    private static final class Holder {
        static final ObjectMapper MAPPER = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    }

    static ObjectMapper get() {
        return Holder.MAPPER;
    }
}

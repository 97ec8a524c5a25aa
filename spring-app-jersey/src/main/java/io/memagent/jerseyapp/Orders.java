package io.memagent.jerseyapp;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.Produces;

/** Orders by id: templates on the class and on each method. */
@Path("/orders")
@Produces(MediaType.TEXT_PLAIN)
public class Orders {
    @GET
    @Path("{id}")
    public String get(@PathParam("id") String id) {
        if (id.startsWith("missing")) {
            throw new WebApplicationException(404);
        }
        return "order " + id;
    }

    @POST
    @Path("{id}")
    public String create(@PathParam("id") String id) {
        return "created " + id;
    }

    @GET
    @Path("{id}/items/{item}")
    public String item(@PathParam("id") String id, @PathParam("item") String item) {
        return "item " + item + " of " + id;
    }

    /** A server error: the resource throws, Jersey answers 500. */
    @GET
    @Path("{id}/fail")
    public String fail(@PathParam("id") String id) {
        throw new IllegalStateException("failing on purpose: " + id);
    }
}

package io.memagent.jerseyapp;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** A template on the class itself, and a method without a path of its own. */
@Path("/users/{user}/orders")
@Produces(MediaType.TEXT_PLAIN)
public class UserOrders {
    @GET
    public String list(@PathParam("user") String user) {
        return "orders of " + user;
    }
}

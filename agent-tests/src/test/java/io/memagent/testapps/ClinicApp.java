package io.memagent.testapps;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.memagent.api.MemoryBlock;
import io.memagent.api.MemoryProfiler;
import io.memagent.api.ProfileMemory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A pet clinic as users run one, shaped like Spring PetClinic: a JDK HTTP server with 16 routes
 * ({@code HTTP GET /owners/{id}/pets/{id}/visits/new}, a form POST, an error page), 18 controller
 * methods, 5 repository methods, 11 statements named as the agent names SQL ({@code DB.SELECT.owners})
 * and 10 template renders: 60 operations, nested as in the real app, each called a different number
 * of times with bytes that depend on the request. With {@code args[0]} = N it then runs N more
 * differently named blocks ({@code Batch.job0} ...), for a page of 60 + N operations. Prints
 * {@code ready calls=<profiled calls made>} and stays up until killed.
 */
public class ClinicApp {
    static volatile Object sink;
    /** Every profiled call the app makes, requests included: the API's call count once drained. */
    static final AtomicLong CALLS = new AtomicLong();

    /** A profiled method's own allocation, counting its call (every profiled method calls this once). */
    private static Object bytes(int n) {
        CALLS.incrementAndGet();
        byte[] b = new byte[n];
        sink = b;
        return b;
    }

    // ---- statements, named as memagent.attribute.jdbc names them ----
    @ProfileMemory(name = "DB.SELECT.owners") static Object selectOwners(int rows) { return bytes(400 + 96 * rows); }
    @ProfileMemory(name = "DB.SELECT.pets") static Object selectPets(int rows) { return bytes(350 + 80 * rows); }
    @ProfileMemory(name = "DB.SELECT.types") static Object selectTypes() { return bytes(620); }
    @ProfileMemory(name = "DB.SELECT.visits") static Object selectVisits(int rows) { return bytes(300 + 72 * rows); }
    @ProfileMemory(name = "DB.SELECT.vets") static Object selectVets() { return bytes(1_500); }
    @ProfileMemory(name = "DB.SELECT.vet_specialties") static Object selectVetSpecialties() { return bytes(900); }
    @ProfileMemory(name = "DB.INSERT.owners") static Object insertOwner() { return bytes(260); }
    @ProfileMemory(name = "DB.UPDATE.owners") static Object updateOwner() { return bytes(280); }
    @ProfileMemory(name = "DB.INSERT.pets") static Object insertPet() { return bytes(240); }
    @ProfileMemory(name = "DB.UPDATE.pets") static Object updatePet() { return bytes(250); }
    @ProfileMemory(name = "DB.INSERT.visits") static Object insertVisit() { return bytes(230); }

    // ---- repositories ----
    @ProfileMemory(name = "OwnerRepository.findByLastNameStartingWith")
    static Object findByLastName(String prefix) {
        CALLS.incrementAndGet();
        int rows = prefix.isEmpty() ? 10 : prefix.length();
        selectOwners(rows);
        return selectPets(rows * 2);
    }

    @ProfileMemory(name = "OwnerRepository.findById")
    static Object findById(int id) {
        CALLS.incrementAndGet();
        selectOwners(1);
        selectPets(id % 4);
        return selectVisits(id % 5);
    }

    @ProfileMemory(name = "OwnerRepository.save")
    static Object save(boolean created) {
        CALLS.incrementAndGet();
        return created ? insertOwner() : updateOwner();
    }

    @ProfileMemory(name = "OwnerRepository.findPetTypes")
    static Object findPetTypes() {
        CALLS.incrementAndGet();
        return selectTypes();
    }

    @ProfileMemory(name = "VetRepository.findAll")
    static Object findAllVets() {
        CALLS.incrementAndGet();
        selectVets();
        return selectVetSpecialties();
    }

    // ---- templates ----
    @ProfileMemory(name = "Thymeleaf.render fragments/layout") static Object layout() { return bytes(2_048); }

    @ProfileMemory(name = "Thymeleaf.render welcome")
    static Object welcomeView() {
        layout();
        return bytes(1_100);
    }

    @ProfileMemory(name = "Thymeleaf.render owners/findOwners")
    static Object findOwnersView() {
        layout();
        return bytes(1_300);
    }

    @ProfileMemory(name = "Thymeleaf.render owners/ownersList")
    static Object ownersListView(int rows) {
        layout();
        return bytes(900 + 210 * rows);
    }

    @ProfileMemory(name = "Thymeleaf.render owners/createOrUpdateOwnerForm")
    static Object ownerFormView() {
        layout();
        return bytes(3_200);
    }

    @ProfileMemory(name = "Thymeleaf.render owners/ownerDetails")
    static Object ownerDetailsView(int id) {
        layout();
        return bytes(2_500 + 64 * id);
    }

    @ProfileMemory(name = "Thymeleaf.render pets/createOrUpdatePetForm")
    static Object petFormView() {
        layout();
        return bytes(3_600);
    }

    @ProfileMemory(name = "Thymeleaf.render pets/createOrUpdateVisitForm")
    static Object visitFormView() {
        layout();
        return bytes(3_400);
    }

    @ProfileMemory(name = "Thymeleaf.render vets/vetList")
    static Object vetListView() {
        layout();
        return bytes(4_100);
    }

    @ProfileMemory(name = "Thymeleaf.render error")
    static Object errorView() {
        layout();
        return bytes(1_700);
    }

    // ---- controllers ----
    @ProfileMemory(name = "WelcomeController.welcome")
    static Object welcome() {
        bytes(120);
        return welcomeView();
    }

    @ProfileMemory(name = "OwnerController.initFindForm")
    static Object initFindForm() {
        bytes(140);
        return findOwnersView();
    }

    @ProfileMemory(name = "OwnerController.processFindForm")
    static Object processFindForm(String lastName) {
        bytes(160 + 8 * lastName.length());
        findByLastName(lastName);
        return ownersListView(lastName.isEmpty() ? 10 : lastName.length());
    }

    @ProfileMemory(name = "OwnerController.initCreationForm")
    static Object initOwnerCreation() {
        bytes(180);
        return ownerFormView();
    }

    @ProfileMemory(name = "OwnerController.processCreationForm")
    static Object processOwnerCreation() {
        bytes(600);
        return save(true);
    }

    @ProfileMemory(name = "OwnerController.showOwner")
    static Object showOwner(int id) {
        bytes(200);
        findById(id);
        return ownerDetailsView(id);
    }

    @ProfileMemory(name = "OwnerController.initUpdateOwnerForm")
    static Object initUpdateOwner(int id) {
        bytes(210);
        findById(id);
        return ownerFormView();
    }

    @ProfileMemory(name = "OwnerController.processUpdateOwnerForm")
    static Object processUpdateOwner(int id) {
        bytes(640);
        findById(id);
        return save(false);
    }

    @ProfileMemory(name = "PetController.populatePetTypes")
    static Object populatePetTypes() {
        bytes(100);
        return findPetTypes();
    }

    @ProfileMemory(name = "PetController.initCreationForm")
    static Object initPetCreation(int id) {
        bytes(220);
        findById(id);
        populatePetTypes();
        return petFormView();
    }

    @ProfileMemory(name = "PetController.processCreationForm")
    static Object processPetCreation(int id) {
        bytes(700);
        findById(id);
        return insertPet();
    }

    @ProfileMemory(name = "PetController.initUpdateForm")
    static Object initPetUpdate(int id) {
        bytes(230);
        findById(id);
        populatePetTypes();
        return petFormView();
    }

    @ProfileMemory(name = "PetController.processUpdateForm")
    static Object processPetUpdate(int id) {
        bytes(720);
        findById(id);
        return updatePet();
    }

    @ProfileMemory(name = "VisitController.loadPetWithVisit")
    static Object loadPetWithVisit(int id) {
        bytes(260);
        return findById(id);
    }

    @ProfileMemory(name = "VisitController.initNewVisitForm")
    static Object initNewVisit(int id) {
        loadPetWithVisit(id);
        bytes(150);
        return visitFormView();
    }

    @ProfileMemory(name = "VisitController.processNewVisitForm")
    static Object processNewVisit(int id) {
        loadPetWithVisit(id);
        bytes(680);
        return insertVisit();
    }

    @ProfileMemory(name = "VetController.showVetList")
    static Object showVetList() {
        bytes(300);
        findAllVets();
        return vetListView();
    }

    @ProfileMemory(name = "CrashController.triggerException")
    static Object triggerException() {
        bytes(90);
        throw new IllegalStateException("Expected: controller used to showcase what happens on an exception");
    }

    /** One handler for every route, as a front controller dispatches by path. */
    static final class FrontController implements HttpHandler {
        @Override
        public void handle(HttpExchange ex) throws IOException {
            ClinicApp.handle(ex);
        }
    }

    static void handle(HttpExchange ex) throws IOException {
        CALLS.incrementAndGet(); // the request itself: HTTP GET /owners/{id}
        String method = ex.getRequestMethod();
        String[] p = ex.getRequestURI().getPath().substring(1).split("/");
        String query = ex.getRequestURI().getQuery();
        int id = p.length > 1 && p[1].matches("\\d+") ? Integer.parseInt(p[1]) : 0;
        int status = 200;
        boolean post = method.equals("POST");
        if (p[0].isEmpty()) {
            welcome();
        } else if (p[0].equals("vets")) {
            showVetList();
        } else if (p[0].equals("oups")) {
            try {
                triggerException();
            } catch (IllegalStateException e) {
                status = 500;
                errorView();
            }
        } else if (p.length == 1) { // /owners?lastName=
            processFindForm(query == null ? "" : query.substring(query.indexOf('=') + 1));
        } else if (p[1].equals("find")) {
            initFindForm();
        } else if (p[1].equals("new")) {
            Object unused = post ? processOwnerCreation() : initOwnerCreation();
        } else if (p.length == 2) {
            showOwner(id);
        } else if (p[2].equals("edit")) {
            Object unused = post ? processUpdateOwner(id) : initUpdateOwner(id);
        } else if (p[3].equals("new")) { // /owners/{id}/pets/new
            Object unused = post ? processPetCreation(id) : initPetCreation(id);
        } else if (p[4].equals("edit")) { // /owners/{id}/pets/{id}/edit
            Object unused = post ? processPetUpdate(id) : initPetUpdate(id);
        } else { // /owners/{id}/pets/{id}/visits/new
            Object unused = post ? processNewVisit(id) : initNewVisit(id);
        }
        if (post) {
            try (InputStream in = ex.getRequestBody()) {
                in.readAllBytes();
            }
        }
        ex.sendResponseHeaders(status, -1);
        ex.close();
    }

    public static void main(String[] args) throws Exception {
        int more = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", new FrontController());
        server.start();
        int port = server.getAddress().getPort();
        List<String[]> requests = new ArrayList<>();
        // Each route a different number of times, with different ids, so the figures differ.
        for (int i = 1; i <= 10; i++) {
            requests.add(new String[] {"GET", "/owners/" + i});
            requests.add(new String[] {"GET", "/owners?lastName=" + "Davis".substring(0, i % 6)});
            if (i <= 8) {
                requests.add(new String[] {"GET", "/owners/" + i + "/pets/" + (i + 20) + "/visits/new"});
            }
            if (i <= 7) {
                requests.add(new String[] {"GET", "/vets"});
            }
            if (i <= 6) {
                requests.add(new String[] {"GET", "/"});
                requests.add(new String[] {"POST", "/owners/" + i + "/pets/" + (i + 20) + "/visits/new"});
            }
            if (i <= 5) {
                requests.add(new String[] {"GET", "/owners/find"});
                requests.add(new String[] {"GET", "/owners/" + i + "/edit"});
            }
            if (i <= 4) {
                requests.add(new String[] {"GET", "/owners/" + i + "/pets/new"});
                requests.add(new String[] {"POST", "/owners/" + i + "/edit"});
                requests.add(new String[] {"GET", "/owners/" + i + "/pets/" + (i + 20) + "/edit"});
            }
            if (i <= 3) {
                requests.add(new String[] {"GET", "/owners/new"});
                requests.add(new String[] {"POST", "/owners/" + i + "/pets/new"});
                requests.add(new String[] {"POST", "/owners/" + i + "/pets/" + (i + 20) + "/edit"});
            }
            if (i <= 2) {
                requests.add(new String[] {"POST", "/owners/new"});
                requests.add(new String[] {"GET", "/oups"});
            }
        }
        for (String[] r : requests) {
            send(port, r[0], r[1]);
        }
        server.stop(0);
        for (int i = 0; i < more; i++) {
            try (MemoryBlock b = MemoryProfiler.block("Batch.job" + i)) {
                bytes(16 + i % 64);
            }
        }
        System.out.println("ready calls=" + CALLS.get());
        Thread.sleep(Long.MAX_VALUE);
    }

    private static void send(int port, String method, String path) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + port + path).openConnection();
        c.setRequestMethod(method);
        if (method.equals("POST")) {
            c.setDoOutput(true);
            try (OutputStream out = c.getOutputStream()) {
                out.write("firstName=George&lastName=Franklin".getBytes(StandardCharsets.UTF_8));
            }
        }
        int status = c.getResponseCode();
        if (status != (path.equals("/oups") ? 500 : 200)) {
            throw new IllegalStateException(method + " " + path + " answered " + status);
        }
        c.disconnect();
    }
}

package dev.cartwright.sim;

import dev.cartwright.proto.platform.v1.CatalogServiceService;
import dev.cartwright.proto.platform.v1.GetProductsRequest;
import dev.cartwright.proto.platform.v1.GetProductsResponse;
import dev.cartwright.proto.platform.v1.ListProductsRequest;
import dev.cartwright.proto.platform.v1.ListProductsResponse;
import dev.cartwright.proto.platform.v1.Product;

import io.vertx.core.Future;

/** The simulated catalog neighbour: answers from the seeded {@link Catalogue}; it owns no state of its own. */
public final class CatalogSimulator extends CatalogServiceService {

    private final Catalogue catalogue;
    private final ServiceKnobs knobs;

    CatalogSimulator(Catalogue catalogue, ServiceKnobs knobs) {
        this.catalogue = catalogue;
        this.knobs = knobs;
    }

    public ServiceKnobs knobs() {
        return knobs;
    }

    public Catalogue catalogue() {
        return catalogue;
    }

    @Override
    public Future<GetProductsResponse> getProducts(GetProductsRequest request) {
        return knobs.gate(() -> {
            GetProductsResponse.Builder response = GetProductsResponse.newBuilder();
            for (String id : request.getProductIdsList()) {
                catalogue.find(id).ifPresent(p -> response.addProducts(toProto(p)));
            }
            return Future.succeededFuture(response.build());
        });
    }

    @Override
    public Future<ListProductsResponse> listProducts(ListProductsRequest request) {
        return knobs.gate(() -> {
            Page page;
            try {
                page = Page.of(request.getPageToken(), request.getPageSize(), catalogue.size());
            } catch (Page.Invalid e) {
                return Status.invalidPage(e);
            }
            ListProductsResponse.Builder response = ListProductsResponse.newBuilder().setNextPageToken(page.nextToken());
            for (CatalogueProduct p : catalogue.products().subList(page.offset(), page.end())) {
                response.addProducts(toProto(p));
            }
            return Future.succeededFuture(response.build());
        });
    }

    static Product toProto(CatalogueProduct p) {
        return Product.newBuilder()
            .setProductId(p.productId())
            .setSku(p.sku())
            .setName(p.name())
            .setCategoryId(p.categoryId())
            .setSellable(p.sellable())
            .setTaxClass(p.taxClass())
            .setWeightGrams(p.weightGrams())
            .build();
    }
}

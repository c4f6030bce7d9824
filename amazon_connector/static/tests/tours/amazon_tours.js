import { registry } from "@web/core/registry";

/**
 * The main journeys of the Amazon connector, as a person clicks them. The Python side
 * (tests/test_tours.py) runs them against the local Amazon emulator, whose addresses it
 * gives in `window.amazonTour`, and saves a screenshot wherever a step logs
 * "amazon-screenshot:<name>".
 */
function screenshot(name) {
    return {
        content: `screenshot of ${name}`,
        trigger: "body",
        run: async () => {
            console.log(`amazon-screenshot:${name}`);
            await new Promise((resolve) => setTimeout(resolve, 1500));
        },
    };
}

function openAmazonMenu(item, title) {
    return [
        {
            content: "open the Amazon menu of Sales",
            trigger: ".o_main_navbar .o_menu_sections button:contains(Amazon), .o_main_navbar .o_menu_sections a:contains(Amazon)",
            run: "click",
        },
        {
            content: `open ${item}`,
            trigger: `.o-dropdown--menu .dropdown-item:contains(${item})`,
            run: "click",
        },
        {
            content: `${title} is open`,
            trigger: `.o_breadcrumb:contains(${title})`,
        },
    ];
}

function fill(field, value) {
    return {
        content: `fill ${field}`,
        trigger: `.o_form_view .o_field_widget[name='${field}'] input`,
        run: `edit ${value}`,
    };
}

registry.category("web_tour.tours").add("amazon_connector_first_setup", {
    steps: () => [
        ...openAmazonMenu("Accounts", "Amazon Accounts"),
        { content: "new account", trigger: ".o_list_button_add", run: "click" },
        fill("name", "Tour shop"),
        fill("seller_id", window.amazonTour.sellerId),
        {
            content: "the credentials are in the Connection tab",
            trigger: ".o_notebook_headers a[name='connection']",
            run: "click",
        },
        fill("lwa_client_id", window.amazonTour.clientId),
        fill("lwa_client_secret", window.amazonTour.clientSecret),
        fill("refresh_token", window.amazonTour.refreshToken),
        fill("api_endpoint", window.amazonTour.apiEndpoint),
        fill("lwa_endpoint", window.amazonTour.lwaEndpoint),
        { content: "save", trigger: ".o_form_button_save", run: "click" },
        {
            content: "the account lists what the first sync needs",
            trigger: "div[name='setup'] li[name='setup_fba_warehouse']",
        },
        {
            content: "test the connection",
            trigger: ".o_statusbar_buttons button[name='action_test_connection']",
            run: "click",
        },
        {
            content: "Amazon answered with the marketplaces",
            trigger: ".o_notification:contains(Connected)",
        },
        {
            content: "let Odoo prepare the FBA warehouse, the journal and the rest",
            trigger: "div[name='setup'] button[name='action_prepare_first_sync']",
            run: "click",
        },
        {
            content: "nothing is missing any more",
            trigger: ".o_form_view:not(:has(div[name='setup']))",
        },
        {
            content: "the FBA warehouse is the account's",
            trigger: ".o_notebook_headers a[name='fulfilment']",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name='fba_warehouse_id'] input:value(Amazon FBA)",
        },
        screenshot("account"),
        {
            content: "sync now",
            trigger: ".o_statusbar_buttons button[name='action_sync_orders']",
            run: "click",
        },
        {
            content: "the synchronisation ran",
            trigger: ".o_notification:contains(synchronisation)",
        },
        ...openAmazonMenu("Orders", "Amazon Orders"),
        {
            content: "the FBM order is a quotation",
            trigger: ".o_data_row:contains(111-1000002-0000001) .o_field_badge:contains(Quotation), .o_data_row:contains(111-1000002-0000001) [name='state']:contains(Quotation)",
        },
        screenshot("orders_list"),
        {
            content: "open the FBA order",
            trigger: ".o_data_row:contains(111-1000001-0000001) td[name='amazon_order_ref']",
            run: "click",
        },
        {
            content: "the FBA order is confirmed",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Sales Order)",
        },
        {
            content: "and invoiced",
            trigger: "button[name='action_view_invoice']",
        },
        screenshot("fba_order"),
        ...openAmazonMenu("Overview", "Amazon Overview"),
        {
            content: "the overview shows today's orders",
            trigger: ".o_kanban_record:contains(Tour shop) button[name='action_overview_orders_today']:contains(2)",
        },
        screenshot("overview"),
    ],
});

registry.category("web_tour.tours").add("amazon_connector_ship_fbm", {
    steps: () => [
        ...openAmazonMenu("Orders", "Amazon Orders"),
        {
            content: "open the FBM quotation",
            trigger: ".o_data_row:contains(111-2000001-0000001) td[name='amazon_order_ref']",
            run: "click",
        },
        {
            content: "confirm it",
            trigger: ".o_statusbar_buttons button[name='action_confirm']",
            run: "click",
        },
        {
            content: "open its delivery",
            trigger: "button[name='action_view_delivery']",
            run: "click",
        },
        {
            content: "the carrier and tracking number are in Additional Info",
            trigger: ".o_notebook_headers a[name='extra']",
            run: "click",
        },
        {
            content: "choose the carrier",
            trigger: ".o_field_widget[name='carrier_id'] input",
            run: "edit UPS Ground",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains(UPS Ground)",
            run: "click",
        },
        {
            content: "enter the tracking number",
            trigger: ".o_field_widget[name='carrier_tracking_ref'] input",
            run: "edit 1Z999AA10123456784",
        },
        {
            content: "validate",
            trigger: ".o_statusbar_buttons button[name='button_validate']",
            run: "click",
        },
        {
            content: "Amazon was told",
            trigger: ".o_field_widget[name='amazon_shipment_state']:contains(Sent)",
        },
    ],
});

registry.category("web_tour.tours").add("amazon_connector_fix_issue", {
    steps: () => [
        ...openAmazonMenu("Import Issues", "Amazon Import Issues"),
        {
            content: "open the issue of the unknown SKU",
            trigger: ".o_data_row:contains(111-3000001-0000001) td[name='amazon_order_ref']",
            run: "click",
        },
        {
            content: "choose the product the SKU sells",
            trigger: ".o_field_widget[name='map_product_id'] input",
            run: "edit Tour lamp",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains(Tour lamp)",
            run: "click",
        },
        {
            content: "map it and retry",
            trigger: "button[name='action_map_sku']",
            run: "click",
        },
        {
            content: "the issue is resolved",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Resolved)",
        },
    ],
});

registry.category("web_tour.tours").add("amazon_connector_no_credentials", {
    steps: () => [
        ...openAmazonMenu("Accounts", "Amazon Accounts"),
        {
            content: "open the account",
            trigger: ".o_data_row:contains(Emulated seller) td[name='name']",
            run: "click",
        },
        {
            content: "the fulfilment settings are readable",
            trigger: ".o_notebook_headers a[name='fulfilment']",
        },
        {
            content: "there is no Connection tab, nor any credential",
            trigger: ".o_form_view:not(:has(.o_notebook_headers a[name='connection'])):not(:has([name='lwa_client_secret'])):not(:has([name='refresh_token']))",
        },
    ],
});

import { Module } from '@nestjs/common';
import { WebController } from './web.controller.js';

/**
 * The web pages: storefront (catalog, product, cart, checkout, order with VietQR) and the market
 * dashboard. A Vite build (web/ → dist/web) served by this module; see README "Web pages".
 */
@Module({ controllers: [WebController] })
export class WebModule {}

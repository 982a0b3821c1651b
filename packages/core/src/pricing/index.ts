export * from './allocate';
export * from './coupon-choices';
export * from './freight';
export * from './price-order';
export * from './refund';
export * from './terms';
export * from './presale';

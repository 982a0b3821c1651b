/**
 * Expected outcomes as snake_case codes. ONE table maps each code to its HTTP status and zh/en message;
 * a Failure thrown inside a transaction also rolls it back, so a refused command changes nothing.
 */
export const ERRORS = {
  invalid_request: [400, '请求参数有误', 'The request is invalid'],
  unknown_field: [422, '请求包含未知字段', 'The request has an unknown field'],
  method_not_allowed: [405, '该地址不支持此请求方法', 'This method is not allowed on this path'],
  request_timeout: [408, '请求超时', 'The request took too long'],
  headers_too_large: [431, '请求头过大', 'The request headers are too large'],
  unauthorized: [401, '请先登录', 'Sign-in required'],
  invalid_credentials: [401, '账号或密码错误', 'Wrong account or password'],
  invalid_code: [401, '验证码错误或已过期', 'The code is wrong or has expired'],
  forbidden: [403, '没有权限', 'Permission denied'],
  not_found: [404, '资源不存在', 'Not found'],
  order_not_found: [404, '订单不存在', 'Order not found'],
  product_not_found: [404, '商品不存在', 'Product not found'],
  sku_not_found: [404, '规格不存在', 'SKU not found'],
  payment_not_found: [404, '支付单不存在', 'Payment not found'],
  user_not_found: [404, '用户不存在', 'User not found'],
  withdrawal_not_found: [404, '提现单不存在', 'Withdrawal not found'],
  position_not_found: [404, '持仓不存在', 'Position not found'],
  plan_not_found: [404, '营销模式不存在', 'Plan not found'],
  category_not_found: [404, '分类不存在', 'Category not found'],
  simulation_not_found: [404, '模拟任务不存在', 'Simulation not found'],
  phone_taken: [409, '手机号已注册', 'This phone number is already registered'],
  username_taken: [409, '用户名已存在', 'This username is taken'],
  invalid_invite_code: [422, '邀请码无效', 'Unknown invite code'],
  idempotency_key_required: [400, '缺少 Idempotency-Key 请求头', 'The Idempotency-Key header is required'],
  idempotency_key_reused: [
    422,
    '同一 Idempotency-Key 用于不同请求',
    'This Idempotency-Key was used for a different request',
  ],
  request_in_flight: [409, '相同请求正在处理中', 'The same request is still being processed'],
  out_of_stock: [409, '库存不足', 'Not enough stock'],
  product_off_shelf: [409, '商品已下架', 'The product is off the shelf'],
  order_transition_not_allowed: [409, '订单当前状态不允许此操作', 'The order cannot do this in its current state'],
  order_expired: [409, '订单已超时关闭', 'The order has expired'],
  channel_unavailable: [422, '该支付方式暂未开通', 'This payment channel is not configured'],
  insufficient_balance: [409, '余额不足', 'Insufficient balance'],
  invalid_signature: [400, '签名验证失败', 'The signature does not verify'],
  amount_mismatch: [400, '金额不一致', 'The amount does not match the payment'],
  payment_not_pending: [409, '支付单不可支付', 'The payment is not pending'],
  below_minimum: [422, '低于最低提现金额', 'Below the minimum withdrawal amount'],
  withdrawal_transition_not_allowed: [
    409,
    '提现单当前状态不允许此操作',
    'The withdrawal cannot do this in its current state',
  ],
  refund_not_open: [409, '没有待处理的退款', 'There is no open refund'],
  redeem_rejected: [422, '兑换被拒绝', 'The redemption was refused'],
  plan_in_use: [409, '模式已产生结算，参数不可修改', 'The plan has settled orders: its parameters are frozen'],
  compliance_refused: [422, '配置不符合合规要求', 'The configuration is refused by the compliance guard'],
  risk_acknowledgement_required: [
    422,
    '高风险模式需确认风险后开启',
    'High-risk plans need an explicit risk acknowledgement',
  ],
  invalid_parameter: [422, '参数不合法', 'Invalid parameter'],
  simulation_busy: [429, '已有模拟正在运行，请稍后再试', 'A simulation is already running, try again shortly'],
  rate_limited: [429, '请求过于频繁，请稍后再试', 'Too many requests, try again later'],
  account_locked: [
    429,
    '登录失败次数过多，账号已临时锁定',
    'Too many failed sign-ins: the account is locked for a while',
  ],
  code_resend_too_soon: [429, '验证码发送过于频繁，请 60 秒后再试', 'A code was sent less than a minute ago'],
  code_daily_limit: [429, '今日验证码发送次数已达上限', 'The daily limit of codes for this phone is reached'],
  sms_unavailable: [503, '短信服务未开通', 'No SMS gateway is configured'],
  too_many_unpaid_orders: [409, '待支付订单过多，请先支付或取消', 'Too many unpaid orders: pay or cancel one first'],
  purchase_limit_exceeded: [409, '超出商品限购数量', 'This exceeds the purchase limit of the product'],
  simulated_money: [
    409,
    '该提现含沙箱模拟资金，不能通过真实渠道打款',
    'This withdrawal holds simulated (sandbox) money and cannot be paid out through a real channel',
  ],
  address_not_found: [404, '收货地址不存在', 'Address not found'],
  address_limit_reached: [409, '收货地址数量已达上限', 'The address book is full'],
  freight_template_not_found: [404, '运费模板不存在', 'Freight template not found'],
  region_not_delivered: [422, '所选地区不在配送范围内', 'These goods are not delivered to the chosen region'],
  coupon_template_not_found: [404, '优惠券不存在', 'Coupon not found'],
  coupon_sold_out: [409, '优惠券已领完', 'No coupons of this kind are left'],
  coupon_limit_reached: [409, '已达到该券的领取上限', 'You hold as many of this coupon as allowed'],
  coupon_not_applicable: [409, '优惠券不可用于本订单', 'The coupon cannot be used on this order'],
  activity_not_found: [404, '满减活动不存在', 'Spend-threshold activity not found'],
  flash_sale_not_found: [404, '秒杀活动不存在', 'Flash sale not found'],
  flash_sale_not_running: [409, '秒杀未开始或已结束', 'The flash sale is not running'],
  flash_sold_out: [409, '已抢光', 'Sold out'],
  flash_limit_exceeded: [409, '超出秒杀限购数量', 'This exceeds the flash sale limit per shopper'],
  payload_too_large: [413, '请求体过大', 'The request body is too large'],
  uri_too_long: [414, '请求地址过长', 'The request path is too long'],
  unsupported_media_type: [415, '不支持的内容类型', 'Unsupported content type'],
  internal: [500, '服务器内部错误', 'Internal server error'],
} as const satisfies Record<string, readonly [number, string, string]>;

export type ErrorCode = keyof typeof ERRORS;

export class Failure extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
  ) {
    super(detail ?? ERRORS[code][2]);
    this.name = 'Failure';
  }
}

export function fail(code: ErrorCode, detail?: string): never {
  throw new Failure(code, detail);
}

export function errorStatus(code: ErrorCode): number {
  return ERRORS[code][0];
}

export function errorMessage(code: ErrorCode, lang: 'zh' | 'en', detail?: string): string {
  const base = lang === 'zh' ? ERRORS[code][1] : ERRORS[code][2];
  return detail === undefined ? base : `${base}: ${detail}`;
}

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
  campaign_not_found: [404, '营销活动不存在', 'Campaign not found'],
  category_not_found: [404, '分类不存在', 'Category not found'],
  simulation_not_found: [404, '模拟任务不存在', 'Simulation not found'],
  level_not_found: [404, '会员等级不存在', 'Member level not found'],
  agent_not_found: [404, '该用户不是此区域的代理', 'This shopper is not the agent of this region'],
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
  campaign_exists: [409, '营销活动编号已存在', 'A campaign with this id exists'],
  level_exists: [409, '会员等级编号已存在', 'A member level with this code exists'],
  levels_in_use: [
    409,
    '会员等级已被使用，不能再增删或调整顺序（名称和门槛仍可修改）',
    'The level ladder is in use: levels can no longer be added, removed or reordered (names and thresholds still can)',
  ],
  agent_exists: [409, '该用户已是此区域的代理', 'This shopper is already the agent of this region'],
  period_already_closed: [409, '本期已结算', 'This period is already closed'],
  campaign_ended: [409, '营销活动已结束，不可修改', 'The campaign has ended and cannot be changed'],
  campaign_transition_not_allowed: [
    409,
    '营销活动当前状态不允许此操作',
    'The campaign cannot do this in its current state',
  ],
  campaign_required: [
    422,
    '该订单在多个活动中持有积分，请指定活动',
    'The order holds positions in several campaigns: name one',
  ],
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
  not_ready: [503, '服务尚未就绪', 'The service is not ready'],
  too_many_unpaid_orders: [409, '待支付订单过多，请先支付或取消', 'Too many unpaid orders: pay or cancel one first'],
  purchase_limit_exceeded: [409, '超出商品限购数量', 'This exceeds the purchase limit of the product'],
  simulated_money: [
    409,
    '该提现含沙箱模拟资金，不能通过真实渠道打款',
    'This withdrawal holds simulated (sandbox) money and cannot be paid out through a real channel',
  ],
  gateway_timeout: [504, '支付网关响应超时，请稍后再试', 'The payment gateway did not answer in time'],
  gateway_unavailable: [502, '支付网关暂时不可用', 'The payment gateway is unavailable'],
  gateway_rejected: [422, '支付网关拒绝了请求', 'The payment gateway refused the request'],
  gateway_bad_response: [
    502,
    '支付网关返回了无法验证的应答',
    'The payment gateway answered something that does not verify',
  ],
  openid_required: [
    422,
    '请先在微信内授权（绑定 openid）',
    'Open the mall inside WeChat and authorise it first (no openid bound)',
  ],
  client_ip_required: [422, '缺少付款人 IP', 'The payer IP is required'],
  amount_out_of_range: [422, '金额超出该渠道支持的范围', 'The amount is outside what this channel accepts'],
  invalid_oauth_code: [422, '微信授权码无效或已使用', 'The WeChat authorisation code is invalid or used'],
  after_sale_not_found: [404, '售后单不存在', 'After-sales request not found'],
  after_sale_transition_not_allowed: [
    409,
    '售后单当前状态不允许此操作',
    'The after-sales request cannot do this in its current state',
  ],
  after_sale_kind_not_allowed: [
    409,
    '订单当前状态不支持该售后类型',
    'This kind of after-sales request is not possible for the order in its current state',
  ],
  order_line_not_found: [422, '订单中没有该商品行', 'The order has no such line'],
  refund_quantity_not_positive: [422, '退款数量必须大于 0', 'The refund quantity must be positive'],
  refund_quantity_exceeds_remaining: [409, '退款数量超过可退数量', 'More units than remain refundable'],
  line_has_open_request: [409, '该商品已有进行中的售后', 'This line already has an open after-sales request'],
  refund_exceeds_paid: [422, '退款金额超过可退金额', 'The refund is larger than what can still be refunded'],
  refund_not_found: [404, '退款单不存在', 'Refund not found'],
  payee_required: [422, '缺少收款账号', 'The payee account is required for this payout'],
  payout_channel_unavailable: [
    409,
    '该提现需通过支付网关打款',
    'This withdrawal is paid out through its gateway, not by hand',
  ],
  reconciliation_not_found: [404, '对账记录不存在', 'Reconciliation not found'],
  bill_unreadable: [422, '账单无法解析', 'The bill cannot be read'],
  staff_not_found: [404, '员工不存在', 'Staff member not found'],
  role_not_found: [404, '角色不存在', 'Role not found'],
  role_taken: [409, '角色代码已存在', 'This role code is taken'],
  role_builtin: [409, '内置角色不可修改或删除', 'Built-in roles cannot be changed or deleted'],
  role_in_use: [409, '仍有员工使用该角色，不能删除', 'Staff members still hold this role'],
  cannot_change_self: [409, '不能修改自己的角色或停用自己', 'You cannot change your own role or disable yourself'],
  account_disabled: [403, '账号已停用', 'This account is disabled'],
  invalid_totp: [401, '动态验证码错误或已使用', 'The authenticator code is wrong or was already used'],
  totp_not_started: [409, '请先获取二维码再绑定', 'Start the enrolment first'],
  totp_not_enabled: [409, '未开启两步验证', 'Two-step sign-in is not on'],
  totp_already_enabled: [409, '已开启两步验证', 'Two-step sign-in is already on'],
  unknown_carrier: [422, '不支持的快递公司', 'Unknown carrier'],
  not_an_image: [
    422,
    '文件不是支持的图片格式（JPEG、PNG、GIF、WebP）',
    'The file is not a supported image (JPEG, PNG, GIF, WebP)',
  ],
  image_too_large: [413, '图片超过大小限制', 'The image is over the size limit'],
  upload_not_found: [404, '文件不存在', 'File not found'],
  sku_code_taken: [409, 'SKU 编码已被使用', 'This SKU code is already used'],
  invalid_specs: [422, '规格设置有误', 'The spec attributes or SKU values are invalid'],
  category_not_empty: [409, '分类下还有子分类或商品', 'The category still has subcategories or products'],
  invalid_file: [422, '文件无法读取', 'The file cannot be read'],
  layout_invalid: [422, '页面布局有误', 'The page layout is invalid'],
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
  group_buy_not_found: [404, '拼团活动不存在', 'Group-buy activity not found'],
  group_buy_not_running: [409, '拼团活动未开始或已结束', 'The group-buy activity is not running'],
  group_not_found: [404, '团不存在', 'Group not found'],
  group_not_open: [409, '该团已结束或尚未开团', 'This group is not open'],
  group_full: [409, '该团已满员', 'This group is full'],
  group_already_joined: [409, '你已在该团中', 'You are already in this group'],
  group_not_complete: [409, '拼团未成功，订单暂不发货', 'The group has not succeeded: the order cannot ship yet'],
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

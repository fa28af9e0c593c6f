// Vocabulary of the demo world: domains, their topics (subjects) and the intents (aspects) a
// query can have. Titles and queries are built from the same phrases, so text features match
// where a real engine's would — and miss where real titles paraphrase ("vague" titles) or where a
// neighbouring topic shares words ("road running shoes" vs "trail running shoes").
//
// Templates: {s} subject mention, {b}/{b2} brand or author, {y} year, {n} a small number.
// A mod without {s} is appended after the subject.

export interface AspectDef {
  key: string;
  /** Follow-up queries that name only the intent ("review", "多少钱"): the topic comes from context. */
  follow: readonly string[];
  mods: readonly string[];
  titles: readonly string[];
}

export interface DomainDef {
  name: string;
  lang: 'en' | 'zh';
  /** "full|short": the short form is what people type once the context is clear; it may be shared. */
  subjects: readonly string[];
  aspects: readonly AspectDef[];
  vague: readonly string[];
  brands: readonly string[];
  sources: readonly string[];
}

const PRODUCT: readonly AspectDef[] = [
  { key: 'best', follow: ['best ones', 'top rated'], mods: ['best {s}', 'top rated {s}', 'best {s} 2026'], titles: ['Best {s} of {y}: tested and ranked', 'The {n} best {s} right now', 'Top rated {s} for every budget ({y})', 'Best {s}: our {y} picks'] },
  { key: 'review', follow: ['review', 'honest review'], mods: ['{s} review', '{b} {s} review', '{s} worth it'], titles: ['{b} {s} review: worth it after {n} months?', '{s} review — the honest verdict', 'Is the {b} {s} worth it? Long-term review', '{b} {s} hands-on review'] },
  { key: 'cheap', follow: ['cheap', 'deals'], mods: ['cheap {s}', '{s} under 100', '{s} deals', '{s} sale'], titles: ["Cheap {s} under $100 that don't feel cheap", '{s} deals this week: up to {n}% off', 'Budget {s}: best value picks on sale', '{b} {s} sale: price drops today'] },
  { key: 'compare', follow: ['comparison', 'which should i buy'], mods: ['{s} vs', '{b} vs {b2} {s}', '{s} comparison'], titles: ['{b} vs {b2}: which {s} should you buy?', '{s} comparison chart ({y})', '{b} or {b2}? {s} compared side by side'] },
  { key: 'care', follow: ['how to clean', 'common problems'], mods: ['{s} problems', 'how to clean {s}', 'how long do {s} last', '{s} repair'], titles: ['Common {s} problems and how to fix them', 'How to clean and care for your {s}', 'How long do {s} last? Repair and care tips'] },
];
const PRODUCT_VAGUE = ['What I wish I knew before buying', "I tried {n} of them so you don't have to", 'Our favourite gear of the year', 'Reader picks: what you actually use'];

const RECIPE: readonly AspectDef[] = [
  { key: 'easy', follow: ['easy version', 'quick'], mods: ['easy {s}', '{s} easy recipe', 'quick {s}', 'simple {s}'], titles: ['Easy {s} recipe (ready in {n} minutes)', 'Quick and simple {s} for weeknights', "The easiest {s} you'll ever make"] },
  { key: 'authentic', follow: ['authentic', 'traditional way'], mods: ['authentic {s}', 'traditional {s}', '{s} original recipe'], titles: ['Authentic {s}: the traditional way', 'Traditional {s} recipe from my grandmother', 'How {s} is really made — original recipe'] },
  { key: 'healthy', follow: ['healthy', 'vegan'], mods: ['healthy {s}', 'vegan {s}', 'low calorie {s}', 'gluten free {s}'], titles: ['Healthy {s} (vegan and gluten free options)', 'Low calorie {s} that still tastes great', 'Vegan {s} recipe with {n} ingredients'] },
  { key: 'method', follow: ['instant pot', 'air fryer'], mods: ['instant pot {s}', 'air fryer {s}', 'slow cooker {s}'], titles: ['Instant Pot {s} in {n} minutes', 'Air fryer {s}: crispy every time', 'Slow cooker {s} — set and forget'] },
  { key: 'video', follow: ['video', 'step by step'], mods: ['{s} video', 'how to make {s}', '{s} step by step'], titles: ['How to make {s} step by step (video)', 'Watch: making {s} at home with {b}', '{s} masterclass video'] },
];
const RECIPE_VAGUE = ['Dinner tonight: the one my family asks for every week', '{n} comfort food recipes for cold nights', 'What to cook this weekend'];

const TRAVEL: readonly AspectDef[] = [
  { key: 'itinerary', follow: ['itinerary', 'things to do'], mods: ['{s} itinerary', '3 days in {s}', 'things to do in {s}'], titles: ['{s}: the perfect {n}-day itinerary', "{n} things to do in {s} (a local's guide)", 'One week in {s} — itinerary and map'] },
  { key: 'budget', follow: ['on a budget', 'cost'], mods: ['{s} on a budget', '{s} trip cost', 'cheap {s} trip'], titles: ['{s} on a budget: what a trip really costs', 'How much does a trip to {s} cost in {y}?', 'Cheap ways to see {s}'] },
  { key: 'stay', follow: ['where to stay', 'hotels'], mods: ['where to stay in {s}', '{s} hotels', 'best area to stay {s}'], titles: ['Where to stay in {s}: best areas and hotels', '{n} best hotels in {s} for every budget', '{s} neighbourhood guide: where to stay'] },
  { key: 'season', follow: ['best time to visit', 'weather'], mods: ['best time to visit {s}', '{s} weather', '{s} in winter'], titles: ['Best time to visit {s}, month by month', '{s} weather and seasons explained', 'Visiting {s} in winter: is it worth it?'] },
  { key: 'food', follow: ['where to eat', 'food'], mods: ['{s} food', 'where to eat in {s}', '{s} restaurants'], titles: ['Where to eat in {s}: {n} restaurants we love', '{s} food guide: what to eat', "Street food in {s} you can't miss"] },
];
const TRAVEL_VAGUE = ['Our favourite trip of the year', '{n} lessons from a month of slow travel', 'Hidden gems most tourists miss'];

const HOWTO: readonly AspectDef[] = [
  { key: 'tutorial', follow: ['tutorial', 'beginner guide'], mods: ['{s} tutorial', '{s} for beginners', '{s} guide', 'getting started with {s}'], titles: ['{s} tutorial for beginners', 'A practical guide to {s}', 'How to get started with {s}', '{s} explained step by step'] },
  { key: 'example', follow: ['examples', 'cheat sheet'], mods: ['{s} example', '{s} examples', '{s} cheat sheet'], titles: ['{s}: {n} examples you can copy', 'The {s} cheat sheet', 'Real-world {s} examples'] },
  { key: 'fix', follow: ['not working', 'fix'], mods: ['{s} not working', '{s} error', '{s} problem fix'], titles: ["{s} not working? Here's the fix", 'Fixing the most common {s} errors', 'Troubleshooting {s}: every problem solved'] },
  { key: 'tips', follow: ['best practices', 'mistakes to avoid'], mods: ['{s} best practices', '{s} tips', '{s} mistakes'], titles: ['{s} best practices ({y})', '{n} {s} mistakes to avoid', '{s} tips from people who do it daily'] },
  { key: 'compare', follow: ['alternatives', 'pros and cons'], mods: ['{s} vs', '{s} alternative', '{s} pros and cons'], titles: ['{s} vs the alternatives: when to use which', 'Should you bother with {s}? Pros and cons', '{s} alternatives compared'] },
];
const HOWTO_VAGUE = ['The one trick that changed how I work', 'Notes from {n} years of doing this', 'Read this before you start'];

const INFO: readonly AspectDef[] = [
  { key: 'explain', follow: ['explained simply', 'the basics'], mods: ['what is {s}', '{s} explained', '{s} meaning'], titles: ['What is {s}? Explained simply', '{s} explained in {n} minutes', 'Understanding {s}: the basics'] },
  { key: 'news', follow: ['latest news', 'new study'], mods: ['{s} news', '{s} 2026', 'latest {s}'], titles: ['{s}: the latest news ({y})', 'New study on {s} surprises experts', "What's new with {s} this year"] },
  { key: 'advice', follow: ['expert tips', 'practical advice'], mods: ['{s} tips', '{s} advice', '{s} expert tips'], titles: ['{n} expert tips on {s}', 'Practical {s} advice from {b}', '{s}: what experts recommend'] },
  { key: 'forum', follow: ['reddit', 'discussion'], mods: ['{s} reddit', '{s} forum', '{s} discussion'], titles: ['{s}: discussion thread | Reddit', 'What people get wrong about {s}', '{s} — forum discussion and stories'] },
  { key: 'research', follow: ['research', 'evidence'], mods: ['{s} research', '{s} studies', '{s} evidence'], titles: ['What the research says about {s}', '{s}: a review of the evidence', '{n} studies on {s}, summarised'] },
];
const SCREEN: readonly AspectDef[] = [
  { key: 'review', follow: ['review', 'worth watching'], mods: ['{s} review', '{s} worth watching', '{s} rating'], titles: ['{s} review: a modern classic?', '{s} review — {n} out of 10', 'Is {s} worth watching? Our verdict'] },
  { key: 'explained', follow: ['ending explained', 'meaning'], mods: ['{s} ending explained', '{s} explained', '{s} meaning'], titles: ['{s} ending explained', '{s}: every theory explained', 'What {s} really means'] },
  { key: 'watch', follow: ['where to watch', 'streaming'], mods: ['where to watch {s}', '{s} streaming', 'watch {s} online'], titles: ['Where to watch {s}: streaming and rental', 'Is {s} streaming? Every platform listed', 'How to watch {s} online in {y}'] },
  { key: 'cast', follow: ['cast', 'behind the scenes'], mods: ['{s} cast', '{s} actors', '{s} behind the scenes'], titles: ['{s} cast and characters guide', 'Behind the scenes of {s}: {n} facts', '{s}: meet the cast'] },
  { key: 'news', follow: ['sequel', 'release date'], mods: ['{s} sequel', '{s} news', '{s} release date'], titles: ['{s} sequel: everything we know', '{s} news: release date and trailer', 'What comes after {s}? Latest news ({y})'] },
];
const SCREEN_VAGUE = ['The best thing on screen this year', '{n} films to watch this weekend', "Critics pick the decade's best"];

const INFO_VAGUE = ['The question everyone is asking this year', '{n} things nobody tells you', 'Long read: how we got here'];

const PRODUCT_ZH: readonly AspectDef[] = [
  { key: 'best', follow: ['哪个好', '推荐'], mods: ['{s}推荐', '{s}哪个好', '{s}排行榜'], titles: ['{y}年{s}推荐:{n}款实测对比', '{s}哪个好?看完这篇就懂了', '{s}排行榜前{n}名'] },
  { key: 'review', follow: ['评测', '使用体验'], mods: ['{s}评测', '{s}测评', '{s}使用体验'], titles: ['{b}{s}深度评测', '{s}使用{n}个月后的真实体验', '{b}{s}测评:值得买吗'] },
  { key: 'price', follow: ['多少钱', '价格'], mods: ['{s}价格', '{s}多少钱', '{s}优惠'], titles: ['{s}最新价格表({y}年)', '{s}多少钱?优惠购买攻略', '{b}{s}降价了,优惠{n}元'] },
  { key: 'compare', follow: ['对比', '怎么选'], mods: ['{s}对比', '{s}区别', '{b}和{b2}{s}'], titles: ['{b}和{b2}{s}对比', '{s}怎么选?{n}个区别讲清楚', '{s}对比评测'] },
];
const PRODUCT_ZH_VAGUE = ['买之前一定要看的几点', '用了{n}年的真实感受', '今年最值得买的好物'];

const RECIPE_ZH: readonly AspectDef[] = [
  { key: 'method', follow: ['怎么做', '做法'], mods: ['{s}做法', '{s}怎么做', '{s}家常做法'], titles: ['{s}的做法,家常简单又好吃', '{s}怎么做?{n}步学会', '家常{s}的详细做法'] },
  { key: 'video', follow: ['视频教程'], mods: ['{s}视频', '{s}教程'], titles: ['{s}做法视频教程', '跟{b}学做{s}(视频)', '{n}分钟学会{s}视频'] },
  { key: 'authentic', follow: ['正宗做法'], mods: ['正宗{s}', '传统{s}'], titles: ['正宗{s}的传统做法', '饭店大厨教你做正宗{s}', '老师傅的正宗{s}秘方'] },
  { key: 'healthy', follow: ['热量', '少油'], mods: ['减脂{s}', '少油{s}', '{s}热量'], titles: ['少油版{s},减脂也能吃', '{s}热量高吗?健康吃法', '低脂{s}的做法'] },
];
const RECIPE_ZH_VAGUE = ['今晚吃什么?这道菜全家都爱', '{n}道下饭菜合集', '冬天必做的暖心菜'];

const TRAVEL_ZH: readonly AspectDef[] = [
  { key: 'guide', follow: ['攻略', '自由行'], mods: ['{s}攻略', '{s}旅游攻略', '{s}自由行'], titles: ['{s}旅游攻略:{n}天自由行路线', '{s}自由行完整攻略({y})', '第一次去{s}必看攻略'] },
  { key: 'food', follow: ['美食', '必吃'], mods: ['{s}美食', '{s}必吃'], titles: ['{s}必吃美食{n}家', '{s}美食地图:本地人推荐', '到{s}一定要吃的小吃'] },
  { key: 'stay', follow: ['住哪里', '酒店'], mods: ['{s}住哪里', '{s}酒店', '{s}民宿'], titles: ['{s}住哪里方便?酒店民宿推荐', '{s}{n}家高性价比酒店', '{s}民宿推荐'] },
  { key: 'season', follow: ['几月去', '天气'], mods: ['{s}最佳旅游时间', '{s}天气', '{s}几月去'], titles: ['{s}几月去最好?最佳旅游时间', '{s}天气和穿衣指南', '{s}冬天值得去吗'] },
];
const TRAVEL_ZH_VAGUE = ['今年最难忘的一次旅行', '{n}个小众目的地推荐', '说走就走的周末游'];

const INFO_ZH: readonly AspectDef[] = [
  { key: 'explain', follow: ['是什么', '原因'], mods: ['{s}是什么', '{s}原因'], titles: ['{s}是什么?一文讲清楚', '{s}的原因和表现', '关于{s}你需要知道的事'] },
  { key: 'method', follow: ['怎么办', '技巧'], mods: ['{s}怎么办', '{s}方法', '{s}技巧'], titles: ['{s}怎么办?{n}个实用方法', '{s}技巧总结', '{s}的正确方法'] },
  { key: 'experience', follow: ['经验分享'], mods: ['{s}经验', '{s}经验分享'], titles: ['{s}经验分享:我是怎么做到的', '过来人谈{s}', '{s}的{n}条经验'] },
  { key: 'materials', follow: ['资料推荐', '书单'], mods: ['{s}资料', '{s}书籍推荐'], titles: ['{s}资料推荐({y})', '{s}必备书单', '{s}资料合集'] },
];
const INFO_ZH_VAGUE = ['看完这篇少走弯路', '{n}个你不知道的事实', '专家怎么说'];

export const DOMAINS: readonly DomainDef[] = [
  { name: 'footwear', lang: 'en', aspects: PRODUCT, vague: PRODUCT_VAGUE,
    subjects: ['trail running shoes|running shoes', 'road running shoes|running shoes', 'hiking boots|boots', 'basketball shoes|shoes', 'tennis shoes|shoes', 'minimalist shoes', 'winter boots|boots', 'walking sandals', 'work boots|boots', 'climbing shoes|shoes', 'soccer cleats', 'cycling shoes', 'waterproof sneakers|sneakers', 'kids running shoes|running shoes', 'wide toe box shoes', 'carbon plate racing shoes|racing shoes', 'gym shoes|shoes', 'skate shoes', 'rain boots|boots', 'slip on loafers'],
    brands: ['Nike', 'Adidas', 'Salomon', 'Hoka', 'Brooks', 'Asics', 'New Balance', 'Merrell', 'Altra', 'On'],
    sources: ["Runner's World", 'Outdoor Gear Lab', 'Reddit', 'Wirecutter', 'YouTube'] },
  { name: 'electronics', lang: 'en', aspects: PRODUCT, vague: PRODUCT_VAGUE,
    subjects: ['gaming laptop|laptop', 'ultrabook', 'mechanical keyboard|keyboard', 'noise cancelling headphones|headphones', '4k monitor|monitor', 'usb c hub', 'wireless earbuds|earbuds', 'mirrorless camera|camera', 'e reader', 'smartwatch', 'robot vacuum', 'portable charger|charger', 'bluetooth speaker|speaker', 'gaming mouse|mouse', 'webcam', 'mesh wifi router|router', 'tablet for drawing|tablet', 'action camera|camera', 'smart doorbell|doorbell', 'external ssd|ssd', 'drone with camera|drone', 'vr headset'],
    brands: ['Apple', 'Samsung', 'Sony', 'Dell', 'Lenovo', 'Logitech', 'Anker', 'Bose', 'Asus', 'Google'],
    sources: ['The Verge', 'Wirecutter', 'Tom\'s Hardware', 'RTINGS', 'Reddit'] },
  { name: 'kitchen', lang: 'en', aspects: PRODUCT, vague: PRODUCT_VAGUE,
    subjects: ['air fryer', 'espresso machine|espresso', 'chef knife|knife', 'cast iron skillet|skillet', 'stand mixer|mixer', 'rice cooker|cooker', 'blender', 'pressure cooker|cooker', 'coffee grinder|grinder', 'nonstick pan|pan', 'dutch oven|oven', 'toaster oven|oven', 'electric kettle|kettle', 'food processor', 'dishwasher'],
    brands: ['KitchenAid', 'Breville', 'Lodge', 'Ninja', 'Zojirushi', 'Vitamix', 'Instant', 'Le Creuset', 'Wüsthof', 'Bosch'],
    sources: ['Serious Eats', 'Wirecutter', "America's Test Kitchen", 'Reddit', 'Good Housekeeping'] },
  { name: 'recipes', lang: 'en', aspects: RECIPE, vague: RECIPE_VAGUE,
    subjects: ['sourdough bread|bread', 'chicken tikka masala|tikka masala', 'vegetable lasagna|lasagna', 'banana bread|bread', 'pad thai', 'ramen broth|ramen', 'beef stew|stew', 'chocolate chip cookies|cookies', 'guacamole', 'french onion soup|onion soup', 'shakshuka', 'fluffy pancakes|pancakes', 'mushroom risotto|risotto', 'egg fried rice|fried rice', 'beef pho|pho', 'apple pie', 'spaghetti carbonara|carbonara', 'falafel', 'butter chicken|chicken', 'fish tacos|tacos', 'lemon cheesecake|cheesecake', 'chili con carne'],
    brands: ['Gordon Ramsay', 'Kenji López-Alt', 'Jamie Oliver', 'Nigella Lawson', 'Maangchi', 'Joshua Weissman', 'Ina Garten'],
    sources: ['Serious Eats', 'BBC Good Food', 'Allrecipes', 'NYT Cooking', 'Bon Appétit'] },
  { name: 'travel', lang: 'en', aspects: TRAVEL, vague: TRAVEL_VAGUE,
    subjects: ['kyoto', 'lisbon', 'iceland', 'patagonia', 'bali', 'new york', 'swiss alps|alps', 'cinque terre', 'marrakech', 'vancouver', 'rome', 'tokyo', 'barcelona', 'mexico city|mexico', 'scottish highlands|highlands', 'cape town', 'hanoi', 'istanbul', 'banff', 'amsterdam', 'seoul', 'buenos aires'],
    brands: ['Lonely Planet', 'Rick Steves', 'Nomadic Matt'],
    sources: ['Lonely Planet', 'Condé Nast Traveler', 'Reddit', 'TripAdvisor', 'Nomadic Matt'] },
  { name: 'programming', lang: 'en', aspects: HOWTO, vague: HOWTO_VAGUE,
    subjects: ['python asyncio|asyncio', 'rust borrow checker|borrow checker', 'react hooks|hooks', 'sql window functions|window functions', 'git rebase', 'docker compose', 'kubernetes ingress', 'typescript generics|generics', 'regex lookahead', 'bash scripting', 'css grid', 'go channels|channels', 'pandas groupby|groupby', 'numpy broadcasting|broadcasting', 'linux file permissions', 'nginx reverse proxy|reverse proxy', 'postgres indexing|indexing', 'websockets', 'graphql schema', 'unit testing with pytest|pytest', 'java streams', 'svelte stores|stores'],
    brands: ['MDN', 'Real Python', 'freeCodeCamp', 'DigitalOcean'],
    sources: ['Stack Overflow', 'MDN Web Docs', 'Real Python', 'DEV Community', 'GitHub'] },
  { name: 'home_diy', lang: 'en', aspects: HOWTO, vague: HOWTO_VAGUE,
    subjects: ['leaky faucet repair|faucet', 'painting kitchen cabinets|cabinets', 'ceiling fan installation|ceiling fan', 'drywall patching|drywall', 'tile backsplash', 'unclogging a drain|drain', 'smart thermostat setup|thermostat', 'deck staining', 'grout cleaning', 'light switch replacement', 'laminate flooring', 'caulking a bathtub', 'hanging shelves', 'fence post repair|fence', 'water heater flushing'],
    brands: ['This Old House', 'Bob Vila', 'Home Depot'],
    sources: ['This Old House', 'Family Handyman', 'Reddit', 'YouTube', 'Bob Vila'] },
  { name: 'gardening', lang: 'en', aspects: HOWTO, vague: HOWTO_VAGUE,
    subjects: ['growing tomatoes|tomatoes', 'fiddle leaf fig care|fiddle leaf fig', 'raised garden beds|garden beds', 'composting', 'monstera care|monstera', 'succulent propagation|succulents', 'lawn aeration', 'hydrangea pruning|hydrangea', 'orchid care|orchid', 'indoor herb garden|herb garden', 'pruning roses|roses', 'blueberry bushes', 'snake plant care|snake plant', 'vegetable garden layout', 'growing garlic'],
    brands: ['Monty Don', 'RHS', 'Epic Gardening'],
    sources: ['RHS', 'Gardeners World', 'Reddit', 'Epic Gardening', 'The Spruce'] },
  { name: 'pets', lang: 'en', aspects: HOWTO, vague: HOWTO_VAGUE,
    subjects: ['puppy crate training|crate training', 'cat litter box|litter box', 'dog food allergies', 'aquarium cycling', 'senior dog care|dog care', 'cat scratching furniture', 'hamster cage setup|hamster cage', 'dog separation anxiety|separation anxiety', 'budgie care', 'rabbit diet', 'leash training', 'kitten vaccinations|vaccinations'],
    brands: ['AKC', 'ASPCA', 'Zak George'],
    sources: ['AKC', 'The Spruce Pets', 'Reddit', 'PetMD', 'YouTube'] },
  { name: 'health', lang: 'en', aspects: INFO, vague: INFO_VAGUE,
    subjects: ['lower back pain|back pain', 'intermittent fasting', 'creatine', 'plantar fasciitis', 'sleep apnea', 'vitamin d deficiency|vitamin d', 'runner knee pain|knee pain', 'high protein breakfast|protein breakfast', 'migraine', 'seasonal allergies', 'tennis elbow', 'cholesterol', 'insomnia', 'iron deficiency|iron'],
    brands: ['Mayo Clinic', 'the NHS', 'Harvard Health'],
    sources: ['Mayo Clinic', 'NHS', 'Healthline', 'Reddit', 'WebMD'] },
  { name: 'finance', lang: 'en', aspects: INFO, vague: INFO_VAGUE,
    subjects: ['roth ira|ira', 'index funds', 'credit score', 'mortgage refinance|refinance', 'emergency fund', 'student loans', 'high yield savings|savings', 'capital gains tax|capital gains', 'term life insurance|life insurance', 'dollar cost averaging', 'bond ladder', 'home equity loan'],
    brands: ['Investopedia', 'NerdWallet', 'Bogleheads'],
    sources: ['Investopedia', 'NerdWallet', 'Reddit', 'Bogleheads', 'Forbes'] },
  { name: 'science', lang: 'en', aspects: INFO, vague: INFO_VAGUE,
    subjects: ['black holes', 'photosynthesis', 'quantum computing|quantum', 'climate change', 'crispr', 'plate tectonics', 'roman empire', 'french revolution', 'dark matter', 'mrna vaccines|vaccines', 'large language models|language models', 'fusion energy', 'ancient egypt|egypt', 'the cold war|cold war'],
    brands: ['Kurzgesagt', 'NASA', 'Nature'],
    sources: ['Wikipedia', 'Nature', 'Scientific American', 'Reddit', 'Khan Academy'] },
  { name: 'screen', lang: 'en', aspects: SCREEN, vague: SCREEN_VAGUE,
    subjects: ['dune part two|dune', 'the bear', 'studio ghibli films|ghibli', 'oppenheimer', 'breaking bad', 'christopher nolan|nolan', 'succession', 'attack on titan', 'pixar movies|pixar', 'severance', 'the last of us|last of us', 'spirited away'],
    brands: ['Roger Ebert', 'IndieWire', 'The Ringer'],
    sources: ['IMDb', 'Rotten Tomatoes', 'Reddit', 'The Guardian', 'Wikipedia'] },
  { name: 'games', lang: 'en', aspects: HOWTO, vague: HOWTO_VAGUE,
    subjects: ['elden ring builds|elden ring', 'zelda tears of the kingdom|zelda', 'minecraft redstone|redstone', 'chess openings', "baldur's gate 3", 'stardew valley farming|stardew', 'pokemon team building|pokemon', 'steam deck setup|steam deck', 'catan strategy|catan', 'factorio ratios|factorio', 'speedrunning'],
    brands: ['IGN', 'GameSpot', 'Polygon'],
    sources: ['IGN', 'Fextralife', 'Reddit', 'GameFAQs', 'YouTube'] },
  { name: 'careers', lang: 'en', aspects: HOWTO, vague: HOWTO_VAGUE,
    subjects: ['resume writing', 'job interview questions|interview questions', 'cover letter', 'salary negotiation', 'remote job search|job search', 'linkedin profile|linkedin', 'career change at 40|career change', 'performance review', 'freelance pricing|pricing'],
    brands: ['Harvard Business Review', 'Indeed', 'Ask a Manager'],
    sources: ['Indeed', 'Harvard Business Review', 'Reddit', 'Ask a Manager', 'LinkedIn'] },
  { name: 'music', lang: 'en', aspects: HOWTO, vague: HOWTO_VAGUE,
    subjects: ['guitar chords|chords', 'piano scales|scales', 'ukulele strumming|strumming', 'home studio microphone|microphone', 'music theory', 'drum rudiments|rudiments', 'violin for adults|violin', 'synthesizer sound design|sound design', 'audio interface setup|audio interface', 'singing vocal warmups|vocal warmups'],
    brands: ['Justin Guitar', 'Fender', 'Yamaha'],
    sources: ['Justin Guitar', 'Sweetwater', 'Reddit', 'YouTube', 'Ultimate Guitar'] },
  { name: '数码', lang: 'zh', aspects: PRODUCT_ZH, vague: PRODUCT_ZH_VAGUE,
    subjects: ['华为手机|手机', '小米手机|手机', '苹果手机|手机', '笔记本电脑|电脑', '蓝牙耳机|耳机', '扫地机器人|机器人', '智能手表|手表', '平板电脑|平板', '机械键盘|键盘', '显示器', '空气净化器|净化器', '电动牙刷|牙刷', '投影仪', '充电宝'],
    brands: ['华为', '小米', '苹果', '联想', '索尼', 'OPPO', 'vivo', '戴尔'],
    sources: ['知乎', '什么值得买', '中关村在线', '哔哩哔哩', '小红书'] },
  { name: '美食', lang: 'zh', aspects: RECIPE_ZH, vague: RECIPE_ZH_VAGUE,
    subjects: ['红烧肉|肉', '宫保鸡丁|鸡丁', '麻婆豆腐', '饺子', '酸菜鱼|鱼', '糖醋排骨|排骨', '蛋炒饭', '火锅底料|火锅', '小笼包', '凉皮', '可乐鸡翅|鸡翅', '番茄炒蛋|炒蛋', '螺蛳粉', '月饼', '回锅肉|肉', '水煮鱼|鱼'],
    brands: ['王刚', '老饭骨', '日食记', '小高姐'],
    sources: ['下厨房', '美食杰', '哔哩哔哩', '小红书', '知乎'] },
  { name: '旅游', lang: 'zh', aspects: TRAVEL_ZH, vague: TRAVEL_ZH_VAGUE,
    subjects: ['成都', '西安', '桂林', '厦门', '大理', '杭州西湖|西湖', '张家界', '青岛', '三亚', '北京故宫|故宫', '重庆', '新疆', '丽江', '苏州园林|园林'],
    brands: ['马蜂窝', '携程'],
    sources: ['马蜂窝', '携程', '小红书', '知乎', '去哪儿'] },
  { name: '学习', lang: 'zh', aspects: INFO_ZH, vague: INFO_ZH_VAGUE,
    subjects: ['考研英语|英语', '高考数学|数学', '雅思口语|口语', '公务员考试|考试', 'Python编程|编程', '会计证', '驾照科目一|科目一', '日语学习|日语', '英语四六级|四六级', '教师资格证|资格证'],
    brands: ['新东方', '学而思'],
    sources: ['知乎', '哔哩哔哩', '百度文库', '小红书', '豆瓣'] },
  { name: '健康', lang: 'zh', aspects: INFO_ZH, vague: INFO_ZH_VAGUE,
    subjects: ['失眠', '颈椎病', '减肥食谱|减肥', '高血压', '感冒', '胃痛', '脱发', '过敏性鼻炎|鼻炎', '腰间盘突出|腰突', '湿疹'],
    brands: ['丁香医生', '协和医院'],
    sources: ['丁香医生', '知乎', '百度健康', '好大夫在线', '小红书'] },
];
